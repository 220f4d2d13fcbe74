"""Ed25519 keys as Multikey strings (base58btc multibase with a multicodec prefix)."""
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
# Multicodec prefixes: ed25519-pub 0xed, ed25519-priv 0x1300 (varints).
PUBLIC_PREFIX = b"\xed\x01"
SECRET_PREFIX = b"\x80\x26"


def b58encode(data):
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = _B58[rem] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text):
    number = 0
    for char in text:
        number = number * 58 + _B58_INDEX[char]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def multibase(data):
    return "z" + b58encode(data)


def from_multibase(text):
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("only base58btc multibase ('z…') is supported")
    return b58decode(text[1:])


def public_multibase(public_key):
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return multibase(PUBLIC_PREFIX + raw)


def secret_multibase(private_key):
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase(SECRET_PREFIX + raw)


def public_key(text):
    data = from_multibase(text)
    if not data.startswith(PUBLIC_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 public Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key(text):
    data = from_multibase(text)
    if not data.startswith(SECRET_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 secret Multikey")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


def generate():
    return Ed25519PrivateKey.generate()
