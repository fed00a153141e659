"""The GitHub Actions workflows: they parse, fetch the whole history, and run the README's
commands (a shallow clone would stop the build, and CI must do what a developer does)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a mapping"
    # YAML 1.1 reads the key `on` as True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict) -> list[str]:
    return [line.strip() for step in steps(workflow) for line in step.get("run", "").splitlines()]


def uses(workflow: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(workflow) if "uses" in step]


def test_there_are_the_two_workflows():
    assert [p.name for p in WORKFLOWS] == ["pr.yml", "publish.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_checkout_fetches_the_whole_history(path: Path):
    workflow = load(path)
    checkouts = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts, f"{path.name} checks nothing out"
    for step in checkouts:
        assert (step.get("with") or {}).get("fetch-depth") == 0, path.name


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_the_readme_commands_run_on_python_3_11(path: Path):
    workflow = load(path)
    assert "make test" in runs(workflow) and "make build" in runs(workflow)
    python = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-python@")]
    assert [str(s["with"]["python-version"]) for s in python] == ["3.11"]
    for step in steps(workflow):
        assert "@" in step.get("uses", "@"), f"{path.name}: pin a version of {step['uses']}"


def test_pull_requests_get_status_redline_and_site():
    workflow = load(ROOT / ".github" / "workflows" / "pr.yml")
    assert "pull_request" in workflow["on"]
    assert "scripts/translation-status" in runs(workflow)
    assert ('scripts/pr-redline origin/${{ github.base_ref }} HEAD >> "$GITHUB_STEP_SUMMARY"'
            in runs(workflow))
    upload = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"
    # The tests run before the build, the build before the checks that read it.
    order = runs(workflow)
    assert order.index("make test") < order.index("make build")


def test_main_is_published_to_github_pages():
    workflow = load(ROOT / ".github" / "workflows" / "publish.yml")
    on = workflow["on"]
    assert on["push"]["branches"] == ["main"]
    assert on["schedule"][0]["cron"]
    assert "workflow_dispatch" in on
    assert {"actions/configure-pages", "actions/upload-pages-artifact",
            "actions/deploy-pages"} <= set(uses(workflow))
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    artifact = next(s for s in steps(workflow)
                    if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert artifact["with"]["path"].rstrip("/") == "site"


def test_the_scripts_ci_calls_exist():
    for path in WORKFLOWS:
        for line in runs(load(path)):
            for word in line.split():
                if word.startswith("scripts/"):
                    assert (ROOT / word).is_file(), f"{path.name} runs {word}, which is missing"
