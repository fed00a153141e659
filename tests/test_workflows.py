"""The GitHub Actions workflows: they parse, fetch the whole history, and run the README's
commands (a shallow clone would stop the build, and CI must do what a developer does)."""

from __future__ import annotations

import re
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
def test_every_job_that_runs_commands_checks_out_and_sets_up_python_3_11(path: Path):
    workflow = load(path)
    for name, job in workflow["jobs"].items():
        commands = [s for s in job.get("steps", []) if "run" in s]
        if not commands:
            continue  # e.g. deploy: it only hands the artifact to GitHub Pages
        job_uses = [s.get("uses", "") for s in job["steps"]]
        assert any(u.startswith("actions/checkout@") for u in job_uses), f"{path.name}: {name}"
        python = [s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
        assert [str(s["with"]["python-version"]) for s in python] == ["3.11"], f"{path.name}: {name}"
    for step in steps(workflow):
        if "uses" in step:  # a full commit id: a tag can be moved to other code
            assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)*@[0-9a-f]{40}", step["uses"]), (
                f"{path.name}: pin {step['uses']} to a commit id (with the version in a comment)")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_the_readme_commands_are_what_ci_runs(path: Path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme and "make build" in readme
    assert "make test" in runs(load(path)) and "make build" in runs(load(path))


PR_JOBS = {"test", "build", "lint", "translation-status", "redline"}


def pr_workflow() -> dict:
    return load(ROOT / ".github" / "workflows" / "pr.yml")


def job_runs(job: dict) -> list[str]:
    return [line.strip() for step in job.get("steps", []) for line in step.get("run", "").splitlines()]


def test_each_pull_request_check_is_a_job_of_its_own():
    """Branch protection requires checks by job name; EDITING.md names these jobs."""
    workflow = pr_workflow()
    assert "pull_request" in workflow["on"]
    jobs = workflow["jobs"]
    assert set(jobs) == PR_JOBS
    for name, job in jobs.items():
        assert job.get("name", name) == name, f"the check of job {name} would be called {job['name']}"
        # No job waits for another: a failed test must not hide the build, lint or redline.
        assert "needs" not in job, name
    assert "make test" in job_runs(jobs["test"])
    assert "make build" in job_runs(jobs["build"])
    assert "make lint" in job_runs(jobs["lint"])
    assert "scripts/translation-status" in job_runs(jobs["translation-status"])
    assert ('scripts/pr-redline origin/${{ github.base_ref }} HEAD >> "$GITHUB_STEP_SUMMARY"'
            in job_runs(jobs["redline"]))
    # The redline runs whatever else fails (no `needs`); a cancelled run may stop it.
    assert str(jobs["redline"].get("if", "")) in {"always()", "${{ always() }}", "${{ !cancelled() }}"}
    guide = (ROOT / "EDITING.md").read_text(encoding="utf-8")
    for name in PR_JOBS:
        assert f"**{name}**" in guide, f"EDITING.md does not explain the check {name}"


def test_the_pull_request_site_is_an_artifact():
    build = pr_workflow()["jobs"]["build"]["steps"]
    made = next(i for i, s in enumerate(build) if s.get("run", "").strip() == "make build")
    upload = next(i for i, s in enumerate(build)
                  if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert made < upload
    assert build[upload]["with"]["name"] == "site"  # the name EDITING.md tells reviewers
    assert build[upload]["with"]["path"].rstrip("/") == "site"


def test_jobs_that_run_scripts_set_up_the_venv_with_make_first():
    """The scripts use .venv when it exists and cannot import anything without it."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            commands = job_runs(job)
            scripts = [i for i, line in enumerate(commands) if line.startswith("scripts/")]
            if not scripts:
                continue
            made = [i for i, line in enumerate(commands) if line.startswith("make ")]
            assert made and made[0] < scripts[0], f"{path.name}: {name} runs a script before make"
            for line in (commands[i] for i in made):
                target = line.split()[1]
                if target.startswith(".venv/"):
                    assert f"$(VENV)/{target[len('.venv/'):]}:" in makefile, f"no make target {target}"


def test_main_is_published_to_github_pages():
    workflow = load(ROOT / ".github" / "workflows" / "publish.yml")
    on = workflow["on"]
    assert on["push"]["branches"] == ["main"]
    assert on["schedule"][0]["cron"]
    assert "workflow_dispatch" in on
    assert {"actions/configure-pages", "actions/upload-pages-artifact",
            "actions/deploy-pages"} <= set(uses(workflow))
    deploy = workflow["jobs"]["deploy"]
    assert deploy["if"] == "github.ref == 'refs/heads/main'"  # never another branch's text
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
