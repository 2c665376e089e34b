"""The weekly refit job: scheduled the day before the digest, and a failure never reaches the scheduler."""

from __future__ import annotations

from types import SimpleNamespace

from apscheduler.schedulers.background import BackgroundScheduler

from bot.config import Settings
from bot.intro_clock import SIGNALS_JOB, add_signal_jobs, run_signal_refits


class Signals:
    def __init__(self, fail: bool) -> None:
        self.fail, self.calls = fail, 0

    def refit_all(self) -> list[str]:
        self.calls += 1
        if self.fail:
            raise RuntimeError("database went away")
        return ["report"]


def test_refit_job_runs_the_day_before_the_digest() -> None:
    container = SimpleNamespace(settings=Settings(digest_day="mon", digest_timezone="America/Toronto"),
                                signals=Signals(False))
    scheduler = BackgroundScheduler()
    add_signal_jobs(scheduler, container)  # type: ignore[arg-type]
    job = scheduler.get_job(SIGNALS_JOB)
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert fields["day_of_week"] == "sun" and fields["hour"] == "3"
    assert str(job.trigger.timezone) == "America/Toronto"


def test_a_failed_refit_is_logged_not_raised(caplog) -> None:  # type: ignore[no-untyped-def]
    ok, bad = Signals(False), Signals(True)
    assert run_signal_refits(SimpleNamespace(signals=ok)) == ["report"]  # type: ignore[arg-type]
    assert run_signal_refits(SimpleNamespace(signals=bad)) == []  # type: ignore[arg-type]
    assert bad.calls == 1 and "signal model refit failed" in caplog.text
