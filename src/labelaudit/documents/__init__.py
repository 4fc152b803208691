"""The documents a decision record is read in: the report, the explanation, the score summary.

- `blocks`: the document model, a report as plain-text blocks (headings, paragraphs, tables…);
- `accessors`: reading a record for a report (titles, shares as shown, the tree in order, the
  pyramid means, the report's one figure of its own);
- `dossier`: the report's document built from a record, section by section;
- `html`, `markdown`, `pdf`: the renderers, which only format the blocks (`pdf` typesets the
  HTML page); they import the document, never the command;
- `commands`: the `report` command, the only module that imports the renderers, so that the
  report's modules form no import cycle;
- `trace`: the steps of an explanation (the text helpers the committee tools share, finding an
  element, the weighted means written out); `explain`: the `explain` command, which prints them;
- `summary`: the readable summary `labelaudit score` prints.

Every text is drawn from the record, never from the engine, and read from the gettext catalogs
(`labelaudit/locale`).
"""
