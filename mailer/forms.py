"""Rendering many forms fast: in this process for a few, in a pool of processes for many.

Each worker builds its ``FormRenderer`` once; jobs carry only a ``FormContext``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from functools import cache

from ..survey.questionnaire import load_questionnaire
from ..survey.render import FormContext, FormRenderer

POOL_THRESHOLD = 24  # fewer forms than this render in-process

_worker_renderer: FormRenderer | None = None


@cache
def renderer_for(questionnaire_path: str) -> FormRenderer:
    return FormRenderer(load_questionnaire(questionnaire_path))


def _init_worker(questionnaire_path: str) -> None:
    global _worker_renderer
    _worker_renderer = renderer_for(questionnaire_path)


def _render_in_worker(context: FormContext) -> bytes:
    assert _worker_renderer is not None
    return _worker_renderer.render(context)


class FormFactory:
    """Renders forms of one questionnaire, in a process pool once there are enough of them."""

    def __init__(self, questionnaire_path: str, workers: int = 0) -> None:
        self.questionnaire_path = questionnaire_path
        self.workers = workers or os.cpu_count() or 1
        self._pool: Executor | None = None

    @property
    def renderer(self) -> FormRenderer:
        return renderer_for(self.questionnaire_path)

    def _executor(self) -> Executor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["khaosat.survey.render"])
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_init_worker, initargs=(self.questionnaire_path,)
            )
        return self._pool

    async def render_all(self, contexts: Sequence[FormContext]) -> AsyncIterator[bytes | Exception]:
        """The PDF of each context, in order; a failed render yields its exception."""
        if len(contexts) < POOL_THRESHOLD or self.workers == 1:
            for context in contexts:
                try:
                    yield self.renderer.render(context)
                except Exception as exc:  # one bad form must not stop the batch
                    yield exc
            return
        executor = self._executor()
        futures = [executor.submit(_render_in_worker, context) for context in contexts]
        for future in futures:
            try:
                yield await asyncio.wrap_future(future)
            except Exception as exc:
                yield exc

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
