"""The syrupy snapshots stay small enough to be read in review (issue 21 §7): a budget on their total size."""

from __future__ import annotations

from pathlib import Path

from conftest import TESTS

BUDGET_LINES = 6_000


def snapshot_lines(tests: Path) -> dict[str, int]:
    """Lines (as `wc -l` counts them) of every snapshot file under tests/, by path."""
    return {str(path.relative_to(tests)): path.read_text().count("\n")
            for path in sorted(tests.glob("**/__snapshots__/*")) if path.is_file()}


def test_snapshots_stay_within_their_line_budget() -> None:
    lines = snapshot_lines(TESTS)
    assert "components/__snapshots__/test_snapshots.ambr" in lines  # the count looks where the snapshots are
    total = sum(lines.values())
    largest = ", ".join(f"{name} ({count})" for name, count in sorted(lines.items(), key=lambda item: -item[1]))
    assert total <= BUDGET_LINES, (
        f"the snapshots total {total} lines, over the budget of {BUDGET_LINES} ({largest}). Fix: snapshot only what "
        "makes a variant that variant (its own documents or containers, as tests/components/test_snapshots.py does), "
        "assert its distinctive values (ports, commands, env names, resources, sizes, labels) in targeted tests, and "
        "leave whole environments to dist/, which test_dist holds byte for byte; then run pytest --snapshot-update "
        "and read the diff"
    )


def test_the_budget_counts_every_snapshot_file(tmp_path: Path) -> None:
    (tmp_path / "a" / "__snapshots__").mkdir(parents=True)
    (tmp_path / "a" / "__snapshots__" / "test_a.ambr").write_text("one\ntwo\n")
    (tmp_path / "b" / "c" / "__snapshots__").mkdir(parents=True)
    (tmp_path / "b" / "c" / "__snapshots__" / "test_c.ambr").write_text("three\n")
    (tmp_path / "b" / "test_b.py").write_text("not\na\nsnapshot\n")
    assert snapshot_lines(tmp_path) == {"a/__snapshots__/test_a.ambr": 2, "b/c/__snapshots__/test_c.ambr": 1}
