"""The certification cycle: which sites the certification body visits, and how many answers
each survey needs.

A label runs for a cycle of three years (initial audit, yearly surveillance, renewal). A network
of many sites is not visited in full at every audit: `sampling` draws the sites to visit after
IAF MD1 (the size, a random part, a risk-based part that rotates over the network), from the
history that the earlier decision records hold (`history`), and `auditfile` writes the plan
into audit.toml as its `[sampling]` table. `planning` gives the usable responses a survey needs
per site for a wanted interval. `commands` holds the `sample` and `plan-survey` commands; their
texts are in the gettext catalogs (`labelaudit/locale`).
"""
