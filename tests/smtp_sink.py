"""A minimal SMTP server on 127.0.0.1 for tests: accepts every message and keeps it, and can
answer slowly, as a real mail server across the internet does."""

from __future__ import annotations

import socketserver
import threading
import time


class SmtpSink:
    """Speaks just enough SMTP (RFC 5321) for Django's SMTP backend; `delay` seconds pass
    before the answer to DATA's end."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[str] = []
        sink = self

        class Session(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())

            def handle(self) -> None:
                self.reply("220 sink ESMTP")
                while line := self.rfile.readline():
                    command = line.decode("utf-8", "replace").strip().upper()
                    if command.startswith(("EHLO", "HELO")):
                        self.reply("250 sink")
                    elif command == "DATA":
                        self.reply("354 end with .")
                        body = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            body.append(chunk.decode("utf-8", "replace"))
                        time.sleep(delay)
                        sink.messages.append("".join(body))
                        self.reply("250 queued")
                    elif command == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
