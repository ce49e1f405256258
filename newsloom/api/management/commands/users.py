"""`newsloom users create NAME [--email E] [--admin] [--password-stdin]` and
`newsloom users api-password NAME [--revoke]`."""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.api import passwords
from newsloom.news.management.base import ensure_schema


class Command(BaseCommand):
    help = "Create readers and give them API passwords for reader apps."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a reader")
        create.add_argument("name")
        create.add_argument("--email", default="")
        create.add_argument("--admin", action="store_true", help="may use /admin/")
        create.add_argument("--password-stdin", action="store_true",
                            help="read the web password from standard input")
        key = sub.add_parser("api-password",
                             help="issue a new API password (printed once) or revoke it")
        key.add_argument("name")
        key.add_argument("--revoke", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        ensure_schema()
        if options["action"] == "create":
            self._create(str(options["name"]), str(options["email"]), bool(options["admin"]),
                         bool(options["password_stdin"]))
        else:
            self._api_password(str(options["name"]), bool(options["revoke"]))

    def _create(self, name: str, email: str, admin: bool, from_stdin: bool) -> None:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords differ")
        if not password:
            raise CommandError("the password is empty")
        try:
            validate_password(password, get_user_model()(username=name, email=email))
            user = passwords.create_reader(name, password, email, admin)
        except (ValidationError, ValueError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("; ".join(messages)) from exc
        self.stdout.write(f"created reader {user.pk}: {user.get_username()}"
                          f"{' (admin)' if admin else ''}")

    def _api_password(self, name: str, revoke: bool) -> None:
        user = get_user_model().objects.filter(username__iexact=name).first()
        if user is None:
            raise CommandError(f"no reader named {name!r} (create one with `newsloom users "
                               f"create {name}`)")
        if revoke:
            done = passwords.revoke(user)
            self.stdout.write("revoked" if done else f"{name} had no API password")
            return
        self.stdout.write(f"API password for {user.get_username()} (shown only now):")
        self.stdout.write(passwords.issue(user))
