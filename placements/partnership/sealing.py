"""Field-level encryption of voluntary self-identification, with the application's key.

The answers are sealed (AES-GCM, eventsourcing's AESCipher, keyed by PLACEMENTS_CIPHER_KEY)
before they reach the aggregate, so the event, the read model and every backup hold only the
sealed text, whether or not whole payloads are encrypted too; only the compliance read opens
them. Without a key nothing can be sealed, so the answers are refused rather than stored in
clear (docs/PARTNERSHIP.md).
"""

from __future__ import annotations

import base64
import json

from eventsourcing.cipher import AESCipher
from eventsourcing.utils import Environment

from domain.errors import InvalidInput


class Sealer:
    def __init__(self, key: str | None):
        self._cipher = AESCipher(Environment(env={"CIPHER_KEY": key})) if key else None

    def seal(self, answers: dict) -> str:
        if self._cipher is None:
            raise InvalidInput("self_identification",
                               "this server has no PLACEMENTS_CIPHER_KEY, so it cannot keep "
                               "self-identification encrypted and does not accept it")
        plain = json.dumps(answers, sort_keys=True).encode()
        return base64.b64encode(self._cipher.encrypt(plain)).decode()

    def open(self, sealed: str | None) -> dict | None:
        """The answers, or None when there are none or this server has no key to open them."""
        if sealed is None or self._cipher is None:
            return None
        try:
            return json.loads(self._cipher.decrypt(base64.b64decode(sealed)))
        except ValueError:  # sealed under another key: keys are not rotated (PARTNERSHIP.md)
            return None
