"""Hostile input: YAML bombs, binary and deeply nested files, plugins, sizes that do not fit.

Every case is one line ``FILE: dotted.path: message`` with exit code 2, quickly, nothing written.
"""

from __future__ import annotations

import ast
import os
import time
from pathlib import Path

import pytest
import yaml

from sim import plugins, resources
from sim.errors import MAX_MESSAGE, ConfigError, shorten
from sim.yamlfile import MAX_DEPTH, load_yaml_text
from tests.conftest import ROOT, SCENARIOS


def alias_bomb(levels: int = 9, key: str = "i") -> str:
    """The 9-line "billion laughs": each line lists the previous one 9 times."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnopqrstuvwxyz"
    for i in range(1, levels):
        prev, name = names[i - 1], names[i] if i < levels - 1 else key
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + "\n"


def one_line_error(cli, tmp_path, *args, expected: str, command: str = "validate") -> str:
    """Run the CLI; assert exit 2, one stderr line containing ``expected``, nothing written."""
    before = sorted(p.name for p in tmp_path.iterdir())
    start = time.monotonic()
    code, _, stderr = cli(command, *args)
    assert time.monotonic() - start < 10
    lines = stderr.strip().splitlines()
    assert code == 2, stderr
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert expected in lines[0], lines[0]
    assert len(lines[0]) < MAX_MESSAGE + 200
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    return lines[0]


HOSTILE = [
    # (id, file content, expected "path: message" in the one line)
    ("alias_bomb", alias_bomb(), "f: more than 100,000 values once aliases are expanded"),
    (
        "alias_bomb_as_description",
        alias_bomb(key="description").replace("a: &a", "lol: &a"),
        "more than 100,000 values",
    ),
    ("recursive_alias", "firms: &f {count: *f}\n", "firms.count: recursive alias"),
    ("deep_nesting", "firms: " + "[" * 20_000 + "]" * 20_000 + "\n", "nested deeper than 64"),
    (
        "deep_mapping",
        "".join(f"{' ' * i}k{i}:\n" for i in range(100)) + " " * 100 + "x: 1\n",
        "k0.k1.k2.k3....: nested deeper",
    ),  # fmt: skip
    ("deep_key", "? " + "[" * 500 + "]" * 500 + "\n: 1\n", "nested deeper than 64"),
    (
        "duplicate_nested_key",
        "firms:\n  count: 10\n  villages: 2\n  count: 20\n",
        "firms.count: duplicate key, first given on line 2 (line 4)",
    ),  # fmt: skip
    ("binary", b"\x00\xff\xfe" + os.urandom(200), "file: not a UTF-8 text file"),
    ("nul_in_text", "name: a\x00b\n", "invalid YAML"),
    ("empty", "", "file: empty file"),
    ("top_level_list", "- a\n- b\n", "(top level): expected a mapping"),
    ("long_string_value", f"firms: {{count: '{'x' * 100_000}'}}\n", "firms.count:"),
]


@pytest.mark.parametrize("case", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_file_is_one_line_error(case, tmp_path, cli):
    _, content, expected = case
    path = tmp_path / "bad.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    line = one_line_error(cli, tmp_path, path, expected=expected)
    assert line.startswith(f"error: {path}: ")


def test_quoted_values_in_messages_are_cut(tmp_path, cli):
    path = tmp_path / "bad.yaml"
    path.write_text(f"firms: {{count: '{'y' * 10_000}'}}\n")
    line = one_line_error(cli, tmp_path, path, expected="firms.count: input should be")
    assert "y" * 100 not in line and "y" * 70 in line and "…'" in line


def test_shorten_cuts_each_quoted_value_and_the_whole_message():
    text = shorten(f'a {"q" * 200!r} and {"r" * 5!r} then "{"s" * 300}"\nsecond line')
    assert "'rrrrr'" in text and "q" * 79 not in text and "s" * 79 not in text
    assert "\n" not in text and "second line" in text
    assert len(shorten("key\x85with\u2028breaks\rinside").splitlines()) == 1
    assert len(shorten("z" * 10_000)) == MAX_MESSAGE
    words = "the scenario's folder " + "and more words " * 10
    assert shorten(words) == words
    err = ConfigError("f.yaml", "a.b", f"got {'w' * 1000!r}")
    assert len(str(err)) < 120 and str(err).startswith("f.yaml: a.b: got 'www")


def test_limits_are_checked_before_python_recursion(monkeypatch):
    import sys

    monkeypatch.setattr(sys, "getrecursionlimit", sys.getrecursionlimit)
    with pytest.raises(yaml.YAMLError, match="nested deeper"):
        load_yaml_text("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert load_yaml_text("[" * (MAX_DEPTH - 2) + "1" + "]" * (MAX_DEPTH - 2))


def test_merge_keys_are_not_duplicates_and_small_aliases_are_fine():
    data = load_yaml_text("base: &b {count: 10, villages: 2}\nfirms: {<<: *b, count: 20}\n")
    assert data["firms"] == {"count": 20, "villages": 2}
    assert load_yaml_text("a: &a [1, 2]\nb: [*a, *a]\n")["b"] == [[1, 2], [1, 2]]


def test_extends_reads_only_yaml(tmp_path, cli):
    (tmp_path / "base.txt").write_text("months: 3\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.txt\n")
    one_line_error(cli, tmp_path, child, expected="extends: expected a .yaml or .yml file")
    (tmp_path / "base.yml").write_text("months: 3\n")
    child.write_text("extends: base.yml\n")
    assert cli("validate", child)[0] == 0


def test_experiment_scenario_must_be_yaml(tmp_path, cli):
    (tmp_path / "s.py").write_text("months: 3\n")
    exp = tmp_path / "exp.yaml"
    exp.write_text("scenario: s.py\n")
    one_line_error(
        cli, tmp_path, exp, "--out", tmp_path / "o", command="batch", expected="scenario: expected"
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("replications: 1000000000\n", "replications: input should be less than or equal"),
        ("replications: true\n", "replications: input should be a valid integer"),
        ("replications: .nan\n", "replications: input should be a valid integer"),
        (
            "sweep: {samples: 100000000, parameters: {months: {low: 1, high: 2}}}\n",
            "sweep.samples: input should be less than or equal",
        ),  # fmt: skip
        (
            "sweep: {samples: 1000, parameters: "
            "{months: {low: 1, high: 2}, seed: {low: 1, high: 2}}}\n",
            "sweep: the experiment expands to 10,000,000 runs",
        ),  # fmt: skip
        (
            "sensitivity: {samples: 100000000, parameters: {months: {low: 1, high: 2}}}\n",
            "sensitivity.samples: input should be less than or equal",
        ),  # fmt: skip
        (
            "sweep: {parameters: {months: {low: 1, high: .inf}}}\n",
            "sweep.parameters.months.high: input should be a finite number",
        ),  # fmt: skip
        ("set: {firms.literacy_mean: .nan}\n", "set.firms.literacy_mean: input should be a finite"),
        ("seed: 1.0e+30\n", "seed: input should be a valid integer"),
    ],
)
def test_experiment_sizes_and_numbers_are_bounded(text, expected, tmp_path, cli):
    (tmp_path / "s.yaml").write_text("months: 3\nfirms: {count: 20, villages: 2}\n")
    exp = tmp_path / "exp.yaml"
    exp.write_text("scenario: s.yaml\n" + text)
    one_line_error(cli, tmp_path, exp, "--out", tmp_path / "o", command="batch", expected=expected)


# --- memory ----------------------------------------------------------------------------------


def test_run_that_does_not_fit_fails_before_it_allocates(tmp_path, cli, monkeypatch):
    monkeypatch.setattr(resources, "available_bytes", lambda: 3 * 2**30)
    path = tmp_path / "big.yaml"
    path.write_text("firms: {count: 5000000}\nmonths: 240\n")
    line = one_line_error(
        cli, tmp_path, path, "--out", tmp_path / "o", command="run", expected="memory: needs ≈ "
    )
    assert "GiB; 3.0 GiB available" in line
    need = float(line.split("needs ≈ ")[1].split(" GiB")[0])
    assert need * 2**30 == pytest.approx(
        resources.run_bytes(yaml.safe_load(path.read_text())), 0.01
    )


def test_memory_estimate_grows_with_firms_months_and_ties():
    base = resources.BYTES_PER_PROCESS
    small = resources.run_bytes({"firms": {"count": 1000}, "months": 12})
    assert resources.run_bytes({"firms": {"count": 100_000}, "months": 12}) - base > 50 * (
        small - base
    )
    assert resources.run_bytes({"firms": {"count": 1000}, "months": 1200}) > small
    dense = {"firms": {"count": 1000}, "months": 12, "networks": {"cluster_degree": 500}}
    assert resources.run_bytes(dense) > small
    assert resources.batch_bytes([{"months": 12}], 10, 4) > 4 * resources.run_bytes({"months": 12})
    # calibrated on benchmarks/RESULTS.md: 1,000,000 firms x 120 months peaked at 2.2 GB
    million = resources.run_bytes({"firms": {"count": 1_000_000}, "months": 120})
    assert 2.2e9 < million < 2 * 2.2e9


def test_available_memory_is_read():
    available = resources.available_bytes()
    assert available is None or available > 0


def test_batch_that_does_not_fit_names_the_workers(tmp_path, cli, monkeypatch):
    monkeypatch.setattr(resources, "available_bytes", lambda: 2**30)
    (tmp_path / "s.yaml").write_text("months: 3\nfirms: {count: 20, villages: 2}\n")
    exp = tmp_path / "exp.yaml"
    exp.write_text("scenario: s.yaml\nset: {firms.count: 2000000}\n")
    line = one_line_error(
        cli,
        tmp_path,
        exp,
        "--workers",
        "2",
        "--out",
        tmp_path / "o",
        command="batch",
        expected="memory: needs ≈ ",
    )
    assert "2 worker(s) at once" in line


# --- plugins ---------------------------------------------------------------------------------

PLUGIN = """
from pathlib import Path
from sim.rules import variant
from sim.rules.market import attractiveness

Path(__file__).with_suffix(".ran").write_text("imported")


@variant("market", "{name}")
def {name}(model, rng, **settings):
    attractiveness(model, rng, **settings)
"""


def write_plugin(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(PLUGIN.format(name=name))
    return path


def scenario_with(folder: Path, plugin: str, use: str) -> Path:
    path = folder / "s.yaml"
    path.write_text(
        f"plugins: [{plugin}]\nrules: {{market: {{use: {use}}}}}\nmonths: 2\n"
        "firms: {count: 30, villages: 2}\n"
    )
    return path


def test_plugins_resolve_against_the_scenario_folder_and_are_listed(tmp_path, cli, monkeypatch):
    plugin = write_plugin(tmp_path / "case" / "rules", "hostile_listed")
    scenario = scenario_with(tmp_path / "case", "rules/hostile_listed.py", "hostile_listed")
    monkeypatch.chdir(tmp_path)  # elsewhere: the path is relative to the scenario, not the cwd
    code, out, err = cli("validate", scenario)
    assert code == 0, err
    assert err.strip() == f"{scenario}: loading plugins (Python code): {plugin}"
    assert plugin.with_suffix(".ran").exists()


def test_no_plugins_validates_without_importing(tmp_path, cli):
    plugin = write_plugin(tmp_path, "hostile_skipped")
    scenario = scenario_with(tmp_path, "hostile_skipped.py", "attractiveness")
    code, out, err = cli("validate", "--no-plugins", scenario)
    assert code == 0, err
    assert "plugins not loaded (--no-plugins)" in err and str(plugin) in err
    assert not plugin.with_suffix(".ran").exists()
    # a rule from the skipped plugin is unknown: the message says why
    scenario = scenario_with(tmp_path, "hostile_skipped.py", "hostile_skipped")
    code, _, err = cli("validate", "--no-plugins", scenario)
    assert code == 2 and "plugins were not loaded: --no-plugins" in err
    assert not plugin.with_suffix(".ran").exists()
    assert plugins.mode() == "load"  # the switch does not outlive the command


def test_run_and_batch_with_no_plugins_refuse_code(tmp_path, cli):
    plugin = write_plugin(tmp_path, "hostile_refused")
    scenario = scenario_with(tmp_path, "hostile_refused.py", "attractiveness")
    one_line_error(
        cli, tmp_path, "--no-plugins", scenario, command="run",
        expected="plugins: the scenario runs code (hostile_refused.py); refused by --no-plugins",
    )  # fmt: skip
    exp = tmp_path / "exp.yaml"
    exp.write_text("scenario: s.yaml\nreplications: 1\n")
    one_line_error(cli, tmp_path, "--no-plugins", exp, command="batch", expected="refused by")
    assert not plugin.with_suffix(".ran").exists()


@pytest.mark.parametrize(
    "entry, setup, expected",
    [
        ("../outside.py", "outside", "plugins.0: ../outside.py is outside the scenario's folder"),
        ("link/inside.py", "symlink", "plugins.0: link/inside.py is outside the scenario's folder"),
        ("notes.txt", "txt", "plugins.0: expected a .py file or an installed module name"),
        ("no_such_module_xyz", None, "plugins.0: no installed module 'no_such_module_xyz'"),
        ("missing.py", None, "plugins.0: file not found: missing.py"),
        ("exits.py", "exit", "plugins.0: plugin exits.py called sys.exit(3) while loading"),
        ("broken.py", "broken", "plugins.0: plugin broken.py failed to import: ZeroDivisionError"),
    ],
)
def test_bad_plugins_are_one_line_errors(entry, setup, expected, tmp_path, cli):
    case = tmp_path / "case"
    case.mkdir()
    if setup == "outside":
        write_plugin(tmp_path, "outside")
    elif setup == "symlink":
        write_plugin(tmp_path / "elsewhere", "inside")
        (case / "link").symlink_to(tmp_path / "elsewhere")
    elif setup == "txt":
        (case / "notes.txt").write_text("x = 1\n")
    elif setup == "exit":
        (case / "exits.py").write_text("import sys\nsys.exit(3)\n")
    elif setup == "broken":
        (case / "broken.py").write_text("1 / 0\n")
    scenario = case / "s.yaml"
    scenario.write_text(f"plugins: ['{entry}']\n")
    code, _, err = cli("validate", scenario)
    lines = [line for line in err.strip().splitlines() if "loading plugins" not in line]
    assert code == 2 and len(lines) == 1 and expected in lines[0], err
    assert "Traceback" not in err and not (tmp_path / "outside.ran").exists()


def test_plugin_by_installed_module_name(tmp_path, cli, monkeypatch):
    write_plugin(tmp_path / "site" / "hostile_pkg", "hostile_module")
    (tmp_path / "site" / "hostile_pkg" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    scenario = scenario_with(tmp_path, "hostile_pkg.hostile_module", "hostile_module")
    code, _, err = cli("validate", scenario)
    assert code == 0, err
    assert "loading plugins (Python code): hostile_pkg.hostile_module" in err


# --- layering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "module, allowed",
    [("sim/yamlfile.py", {"sim.errors", "yaml", "yaml.nodes"}), ("sim/plugins.py", {"sim.errors"})],
)
def test_leaf_modules_import_only_what_they_may(module, allowed):
    tree = ast.parse((ROOT / module).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    import sys

    outside = {m for m in imported if m.split(".")[0] not in sys.stdlib_module_names}
    outside -= {"__future__"}
    assert outside <= allowed, outside


def test_old_imports_from_config_still_work():
    from sim.config import load_yaml_text, merge, parse_set, read_yaml  # noqa: F401

    assert read_yaml(SCENARIOS / "baseline.yaml")["name"]


def test_batch_checks_plugins_of_scenario_and_experiment(tmp_path, cli):
    write_plugin(tmp_path, "hostile_outside")
    case = tmp_path / "case"
    case.mkdir()
    scenario = scenario_with(case, "../hostile_outside.py", "attractiveness")
    exp = case / "exp.yaml"
    exp.write_text("scenario: s.yaml\nreplications: 1\n")
    line = one_line_error(
        cli, case, exp, "--out", case / "o", command="batch", expected="plugins.0: ../hostile"
    )
    assert line.startswith(f"error: {scenario}: ")
    scenario.write_text("months: 2\nfirms: {count: 30, villages: 2}\n")
    exp.write_text("scenario: s.yaml\nreplications: 1\nset: {plugins: [../hostile_outside.py]}\n")
    one_line_error(
        cli, case, exp, "--out", case / "o", command="batch", expected="set.plugins.0: ../hostile"
    )
    assert not (tmp_path / "hostile_outside.ran").exists()
