"""The live preview's web side: a page, its parameter panel, a stream of states, the files.

A Starlette application served by uvicorn on 127.0.0.1 only. Every request must name this server
as its Host and every write must come from its own page (:func:`sigsat.production.preview.refusal`);
files are served only from under the output root (:func:`~sigsat.production.preview.served_file`);
the only write is one parameter's value, validated before the file is touched. Nothing a request
says is run. The page is plain HTML and JavaScript from this package (no CDN); it receives the
preview's state by Server-Sent Events.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from importlib import resources
from pathlib import Path
from typing import AsyncIterator, Callable

import uvicorn
import watchfiles
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from ..lesson import lecture, params as params_mod
from ..lesson.params import ParamError
from .keys import SCENES_DIR, SIGSAT_DIR
from .pipeline import Options
from .preview import Previewer, refusal, served_file, set_value

__all__ = ["Hub", "bind", "make_app", "serve"]


class Hub:
    """The latest state, handed from the preview's thread to every open event stream."""

    def __init__(self) -> None:
        self.snapshot, self.version = "{}", 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.changed: asyncio.Event | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop, self.changed = loop, asyncio.Event()

    def publish(self, snapshot: str) -> None:
        """Make ``snapshot`` the state to send (from any thread)."""
        self.snapshot = snapshot
        if self.loop is not None:
            with contextlib.suppress(RuntimeError):   # the loop has closed: no one to tell
                self.loop.call_soon_threadsafe(self._bump)

    def _bump(self) -> None:
        self.version += 1
        self.changed.set()
        self.changed = asyncio.Event()

    async def stream(self) -> AsyncIterator[str]:
        """Server-Sent Events: the state now, then every new one (a comment keeps proxies and
        browsers from timing out between changes)."""
        seen = None
        while True:
            if seen != self.version:
                seen = self.version
                yield f"data: {self.snapshot}\n\n"
                continue
            try:
                await asyncio.wait_for(self.changed.wait(), 15)
            except TimeoutError:
                yield ": still here\n\n"


class Guard:
    """ASGI middleware refusing, with 403, what :func:`refusal` refuses."""

    def __init__(self, app, port: int):
        self.app, self.port = app, port

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            why = refusal(scope["method"], headers.get("host"), headers.get("origin"), self.port)
            if why:
                await PlainTextResponse(f"refused: {why}\n", status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _asset(name: str) -> str:
    return resources.files("sigsat.production").joinpath("templates", name).read_text(encoding="utf-8")


def make_app(previewer: Previewer, hub: Hub, port: int) -> Guard:
    """The preview's application, guarded for a server on ``127.0.0.1:port``."""
    root = previewer.options.out

    async def page(request: Request) -> Response:
        return Response(_asset("preview.html"), media_type="text/html; charset=utf-8")

    async def script(request: Request) -> Response:
        return Response(_asset("preview.js"), media_type="text/javascript; charset=utf-8")

    async def schema(request: Request) -> Response:
        return JSONResponse(params_mod.json_schema())

    async def events(request: Request) -> Response:
        return StreamingResponse(hub.stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    async def set_param(request: Request) -> Response:
        try:
            body = await request.json()
            key, value = body["key"], body["value"]
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": 'expected JSON {"key": "table.key", "value": ...}'}, 400)
        if not isinstance(key, str) or not isinstance(value, (str, int, float, bool)):
            return JSONResponse({"error": "key must be a string and value a string, number or boolean"}, 400)
        try:
            await run_in_threadpool(set_value, previewer.params_path, key, value)
        except ParamError as exc:
            previewer.show_error(str(exc))
            return JSONResponse({"error": str(exc)}, 400)
        except OSError as exc:
            message = f"cannot write {previewer.params_path}: {exc.strerror or exc}; nothing was written"
            previewer.show_error(message)
            return JSONResponse({"error": message}, 500)
        return JSONResponse({"ok": True})

    async def files(request: Request) -> Response:
        found = served_file(root, request.path_params["path"])
        if found is None:
            return PlainTextResponse("not found\n", status_code=404)
        return FileResponse(found, headers={"Cache-Control": "no-cache"})

    @contextlib.asynccontextmanager
    async def lifespan(app):
        hub.bind(asyncio.get_running_loop())
        yield

    app = Starlette(routes=[Route("/", page), Route("/preview.js", script), Route("/api/schema", schema),
                            Route("/api/events", events), Route("/api/params", set_param, methods=["POST"]),
                            Route("/files/{path:path}", files)], lifespan=lifespan)
    return Guard(app, port)


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: any free port). Raises OSError."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
    except OSError:
        sock.close()
        raise
    return sock


def _watch(paths: list[Path], accept: Callable[[object, str], bool], recursive: bool,
           on_change: Callable[[], None], stop: threading.Event) -> threading.Thread:
    def run() -> None:
        for _ in watchfiles.watch(*paths, watch_filter=accept, recursive=recursive, stop_event=stop,
                                  debounce=300, raise_interrupt=False):
            on_change()

    thread = threading.Thread(target=run, name="sigsat-preview-watch", daemon=True)
    thread.start()
    return thread


def serve(specs: list[lecture.SceneSpec], params_path: Path, options: Options, sock: socket.socket,
          say: Callable[[str], None]) -> None:
    """Run the preview on ``sock`` until Ctrl-C or SIGTERM (re-raised once everything stopped)."""
    port = sock.getsockname()[1]
    hub = Hub()
    previewer = Previewer(specs, params_path, options, hub.publish)
    server = uvicorn.Server(uvicorn.Config(make_app(previewer, hub, port), log_level="warning",
                                           timeout_graceful_shutdown=1, lifespan="on"))
    stop = threading.Event()
    target = params_path.resolve()
    try:
        previewer.start()
        # The file's folder, not the file: an editor (and the panel) replaces it by a rename.
        _watch([target.parent], lambda _c, p: Path(p) == target, False, previewer.changed, stop)
        _watch([SCENES_DIR, SIGSAT_DIR / "lesson", SIGSAT_DIR / "core"], watchfiles.PythonFilter(), True,
               lambda: previewer.changed(sources=True), stop)
        say(f"preview at http://127.0.0.1:{port}/ (watching {params_path}; Ctrl-C stops)")
        asyncio.run(server.serve(sockets=[sock]))
        if server.should_exit:
            # uvicorn re-raises the signal that stopped it, but asyncio.run's own SIGINT handler
            # can swallow it when the server's task has already ended (seen under load: exit 0).
            raise KeyboardInterrupt
    finally:
        stop.set()
        previewer.close()
