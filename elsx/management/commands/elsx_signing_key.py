"""Create or rotate the issuer's Ed25519 signing key (a keyring file, or JSON for ELSX["SIGNING_KEYS"]).

  elsx_signing_key --file /etc/elsx/signing-key.json            # create (refuses to overwrite)
  elsx_signing_key --file /etc/elsx/signing-key.json --rotate   # new current key; old keys keep their public half
  elsx_signing_key --stdout [--rotate --from old.json]          # print the keyring for a secrets store
  elsx_signing_key --show                                       # the configured keys' public halves
"""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from elsx.credentials import api, keys


class Command(BaseCommand):
    help = "Create or rotate the Ed25519 key that signs elsx credentials (see docs/credentials.md)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="keyring file to create or rotate")
        parser.add_argument("--stdout", action="store_true", help="print the keyring instead of writing a file")
        parser.add_argument("--from", dest="source", help="with --stdout --rotate: the keyring to rotate")
        parser.add_argument("--rotate", action="store_true", help="add a new current key")
        parser.add_argument("--show", action="store_true", help="list the configured public keys")

    def handle(self, *args, **options):
        if options["show"]:
            ring = keys.keyring()
            for key in ring.keys:
                state = "current" if key.n == ring.current_n else f"retired {key.retired}".strip()
                self.stdout.write(f"{key.n}\t{state}\t{key.public_multibase}\t{api.key_url(key.n)}")
            return
        if not options["file"] and not options["stdout"]:
            raise CommandError("say where the key goes: --file PATH or --stdout")
        source = options["file"] if options["file"] else options["source"]
        if options["rotate"]:
            if not source or not Path(source).exists():
                raise CommandError("--rotate needs the existing keyring (--file PATH, or --from PATH with --stdout)")
            ring = keys.rotated(keys.parse(json.loads(Path(source).read_text(encoding="utf-8"))))
        else:
            if options["file"] and Path(options["file"]).exists():
                raise CommandError(f"{options['file']} exists; use --rotate to add a key")
            ring = keys.new_ring()
        if options["stdout"]:
            self.stdout.write(json.dumps(keys.serialize(ring), indent=2))
            return
        keys.write_file(options["file"], ring)
        self.stdout.write(f"Wrote {options['file']}: current key {ring.current_n} "
                          f"({ring.current.public_multibase}), published at {api.key_url(ring.current_n)}")
