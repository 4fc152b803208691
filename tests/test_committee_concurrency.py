"""Concurrent committee writers: 20 processes voting at once through the real command, each with
`--register`, must all succeed (no false "cut short" alarm), and leave one valid chain and a
register holding exactly its entries. The chain's lock (flock on the record) is taken before the
register's write transaction by every writer and reader, and the sidecar line and the register
rows are written under both."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from committee_helpers import DAY, Desk, copy

from labelaudit.committee.chain import sidecar_path
from labelaudit.committee.register import open_register

WRITERS = 20
VOTER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from labelaudit.cli import main
    go = Path(sys.argv[1])
    Path(f"{go}.ready.{sys.argv[3]}").touch()  # imports done: ready to start
    while not go.exists():
        time.sleep(0.002)
    sys.exit(main(["review", sys.argv[2], "--vote", "confirm", "--member", sys.argv[3], "--key", sys.argv[4],
                   "--register", sys.argv[5], "--on", sys.argv[6]]))
    """
)


def test_twenty_concurrent_writers_with_the_register(tmp_path: Path) -> None:
    desk = Desk(tmp_path)
    desk.enrol("pmartin", "Pierre Martin", ("chair", "member"))
    members = [f"m{i:02}" for i in range(WRITERS)]
    for i, member in enumerate(members):
        desk.enrol(member, f"Membre {i:02}")
    demo = copy(tmp_path, "demo")
    desk.open(demo)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", VOTER, str(go), str(demo), member, str(desk.key_file(member)), str(desk.db),
             DAY.isoformat()],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={"LABELAUDIT_LANG": "en", "PATH": "/usr/bin:/bin"},
        )
        for member in members
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.ready.*"))) < WRITERS and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # all released at once
    outputs = [w.communicate(timeout=300) for w in workers]
    results = [(w.returncode, out.decode(), err.decode()) for w, (out, err) in zip(workers, outputs, strict=True)]
    failures = [(code, err) for code, _, err in results if code != 0]
    assert failures == []
    assert not any("cut short" in err or "register holds" in err for _, _, err in results)
    chain = desk.read(demo)
    assert chain.valid, chain.problems
    assert [e.seq for e in chain.entries] == list(range(1, WRITERS + 2))
    assert sorted(e.member for e in chain.entries[1:]) == members
    with open_register(desk.db) as conn:
        stored = conn.execute("SELECT seq, hash FROM reviews ORDER BY seq").fetchall()
    assert stored == [(e.seq, e.hash) for e in chain.entries]
    assert len(sidecar_path(demo).read_text("utf-8").splitlines()) == WRITERS + 1
    closing = desk.close(demo)
    assert closing.count == WRITERS and closing.status == "granted"
