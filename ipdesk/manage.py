"""The `ipdesk` console command: Django's management commands with the project's settings."""
import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipdesk.settings")
    from django.core.management import execute_from_command_line
    argv = list(argv if argv is not None else sys.argv)
    argv[0] = "ipdesk"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
