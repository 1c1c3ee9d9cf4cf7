"""Small PDFs built from scratch for tests: well-formed ones and the hostile set of issue 7
(truncated, renamed, encrypted, 2,000 pages, huge image, decompression bomb, nested and
cyclic objects, JavaScript and attachments, a garbage text layer). Standard library only, so
any test (reader, CLI, API) can generate them instead of downloading them.
"""
from __future__ import annotations

import hashlib
import random
import struct
import zlib

PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


class PdfBuilder:
    """Objects numbered from 1; `build()` writes header, objects, xref and trailer."""

    def __init__(self) -> None:
        self.objects: list[bytes] = []
        self.encrypt: tuple[bytes, bytes] | None = None  # (file key, /Encrypt dict)
        self.file_id = hashlib.md5(b"fairrecruit-test").digest()

    def add(self, body: bytes) -> int:
        self.objects.append(body)
        return len(self.objects)

    def reserve(self) -> int:
        return self.add(b"null")

    def set(self, number: int, body: bytes) -> None:
        self.objects[number - 1] = body

    def stream(self, content: bytes, extra: bytes = b"", compress: bool = False) -> int:
        if compress:
            content = zlib.compress(content)
            extra += b" /Filter /FlateDecode"
        number = len(self.objects) + 1
        content = self._encrypt(number, content)
        return self.add(b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream")

    def text(self, number: int, value: bytes) -> bytes:
        """A string operand for object `number`, encrypted when the file is."""
        return b"<" + self._encrypt(number, value).hex().encode() + b">"

    def _encrypt(self, number: int, data: bytes) -> bytes:
        if not self.encrypt:
            return data
        key = hashlib.md5(self.encrypt[0] + struct.pack("<I", number)[:3] + b"\0\0").digest()
        return rc4(key[: len(self.encrypt[0]) + 5], data)

    def build(self, root: int, info: int | None = None) -> bytes:
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        trailer = b"/Size %d /Root %d 0 R" % (len(self.objects) + 1, root)
        if info:
            trailer += b" /Info %d 0 R" % info
        trailer += b" /ID [<%s> <%s>]" % (self.file_id.hex().encode(), self.file_id.hex().encode())
        if self.encrypt:
            trailer += b" /Encrypt " + self.encrypt[1]
        out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _escape(text: str) -> bytes:
    return text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_pdf(
    pages: list[list[str]],
    *,
    user_password: str | None = None,
    owner_password: str = "owner",
    extra_catalog: bytes = b"",
    page_size: tuple[float, float] = (595, 842),
    builder: PdfBuilder | None = None,
) -> bytes:
    """Pages of Helvetica lines, optionally RC4-encrypted (standard security handler R2)."""
    pdf = builder or PdfBuilder()
    if user_password is not None:
        _set_encryption(pdf, user_password, owner_password)
    font = pdf.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    pages_number = pdf.reserve()
    kids = []
    for lines in pages:
        content = b"BT /F1 11 Tf 14 TL 72 %d Td " % (page_size[1] - 72)
        content += b" ".join(b"(" + _escape(line) + b") Tj T*" for line in lines) + b" ET"
        stream = pdf.stream(content)
        kids.append(
            pdf.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %g %g] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>"
                % (pages_number, page_size[0], page_size[1], stream, font)
            )
        )
    pdf.set(
        pages_number,
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % kid for kid in kids), len(kids)),
    )
    root = pdf.add(b"<< /Type /Catalog /Pages %d 0 R %s >>" % (pages_number, extra_catalog))
    return pdf.build(root)


def _set_encryption(pdf: PdfBuilder, user: str, owner: str) -> None:
    permissions = -44
    owner_key = hashlib.md5((owner.encode() + PAD)[:32]).digest()[:5]
    o_value = rc4(owner_key, (user.encode() + PAD)[:32])
    digest = hashlib.md5(
        (user.encode() + PAD)[:32] + o_value + struct.pack("<i", permissions) + pdf.file_id
    ).digest()
    key = digest[:5]
    u_value = rc4(key, PAD)
    pdf.encrypt = (
        key,
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (o_value.hex().encode(), u_value.hex().encode(), permissions),
    )


CONTRACT_LINES = [
    "EMPLOYMENT CONTRACT",
    "The Employer shall pay the Worker a monthly wage of 1,300 SGD.",
    "Working hours are eight hours a day with one rest day per week.",
]


def simple() -> bytes:
    return text_pdf([CONTRACT_LINES])


def truncated() -> bytes:
    whole = simple()
    return whole[: len(whole) // 2]


def renamed_png() -> bytes:
    """A real (1x1) PNG, as a user renaming a photo to .pdf would upload."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def encrypted(user_password: str) -> bytes:
    return text_pdf([CONTRACT_LINES], user_password=user_password)


def many_pages(count: int = 2000) -> bytes:
    return text_pdf([[f"Page {n}"] for n in range(1, count + 1)])


def huge_page() -> bytes:
    return text_pdf([CONTRACT_LINES], page_size=(100000, 100000))


def huge_image(side: int = 100_000) -> bytes:
    """A page drawing an image declared as side x side pixels (its data is a few bytes)."""
    pdf = PdfBuilder()
    image = pdf.stream(
        zlib.compress(b"\x00" * 64),
        b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Filter /FlateDecode" % (side, side),
    )
    content = pdf.stream(b"q 500 0 0 700 50 50 cm /Im1 Do Q")
    pages = pdf.reserve()
    page = pdf.add(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
        b"/Resources << /XObject << /Im1 %d 0 R >> >> >>" % (pages, content, image)
    )
    pdf.set(pages, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    return pdf.build(pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages))


def decompression_bomb(megabytes: int = 64) -> bytes:
    """A content stream of a few tens of KB that inflates to `megabytes` MB of spaces."""
    compressor = zlib.compressobj(9)
    block = b" " * (1 << 20)
    packed = b"".join(compressor.compress(block) for _ in range(megabytes)) + compressor.flush()
    pdf = PdfBuilder()
    content = pdf.add(
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    )
    pages = pdf.reserve()
    page = pdf.add(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
        % (pages, content)
    )
    pdf.set(pages, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    return pdf.build(pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages))


def deeply_nested(depth: int = 100_000) -> bytes:
    """A page whose resources hold an array nested `depth` levels deep."""
    pdf = PdfBuilder()
    nested = pdf.add(b"[" * depth + b"]" * depth)
    content = pdf.stream(b"BT ET")
    pages = pdf.reserve()
    page = pdf.add(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
        b"/Resources << /Properties << /P1 %d 0 R >> >> >>" % (pages, content, nested)
    )
    pdf.set(pages, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    return pdf.build(pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages))


def cyclic_page_tree() -> bytes:
    """A page tree whose node lists itself (and its parent) as kids, with a false count."""
    pdf = PdfBuilder()
    pages = pdf.reserve()
    inner = pdf.reserve()
    pdf.set(inner, b"<< /Type /Pages /Parent %d 0 R /Kids [%d 0 R %d 0 R] /Count 5 >>" % (pages, inner, pages))
    pdf.set(pages, b"<< /Type /Pages /Kids [%d 0 R] /Count 5 >>" % inner)
    return pdf.build(pdf.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages))


def javascript_and_attachment(secret: str = "ATTACHED-SECRET-7731") -> bytes:
    """A normal page plus an /OpenAction script and an embedded file."""
    pdf = PdfBuilder()
    script = pdf.add(b"<< /S /JavaScript /JS (app.alert\\('pwned'\\); this.exportDataObject\\({cName: 'a'}\\);) >>")
    attachment = pdf.stream(secret.encode(), b" /Type /EmbeddedFile")
    filespec = pdf.add(b"<< /Type /Filespec /F (a.txt) /EF << /F %d 0 R >> >>" % attachment)
    return text_pdf(
        [CONTRACT_LINES],
        builder=pdf,
        extra_catalog=b"/OpenAction %d 0 R /Names << /EmbeddedFiles << /Names [(a.txt) %d 0 R] >> >>"
        % (script, filespec),
    )


def garbage_text_layer(seed: int = 7) -> bytes:
    """Lines of random printable characters: a text layer that is there but means nothing."""
    rng = random.Random(seed)
    alphabet = "bcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ#@%&*+=<>?!~^|{}[]0123456789aeiou"
    lines = [
        " ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(3, 9))) for _ in range(9))
        for _ in range(30)
    ]
    return text_pdf([lines])
