"""SM4 of the CP data area (HJ 212-2025 §6.4.2, App. A.2): known-answer vectors and round trips."""

import pytest

from qingshan.hj212.codec import encode, parse
from qingshan.hj212.errors import DecryptionError, FieldError
from qingshan.hj212.sm4 import (
    TEST_KEY,
    decrypt_frame,
    encrypt_frame,
    needs_encryption,
    parse_key,
    sm4_decrypt,
    sm4_encrypt,
)

# GB/T 32907-2016 Appendix A, example 1: key = plaintext = 0123456789abcdeffedcba9876543210
GBT_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
GBT_CIPHER = "681edf34d206965e86b3e94f536e4246"

# HJ 212-2025 App. A.2, example 2 (as transcribed in Daidai52640/cems-data-pipeline
# tests/protocol/hj212/test_vectors.json): a 2051 frame whose 208-byte data area is 13 blocks
HEADER = "QN=20240520210700000;ST=31;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&"
AREA_2 = (
    "DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,a01011-Flag=N;"
    "a01012-Min=9.3,a01012-Avg=9.3,a01012-Max=9.3,a01012-Flag=N;a01014-Min=3.20,a01014-Avg=3.211,"
    "a01014-Max=3.212,a01014-Flag=N"
)
CIPHER_2 = (
    "E43E159ACFAB242CB53155FB8B9281A1A242577ABFAED881BE88B72D69FC55ED1A80119FAAC8B3CD33D285CC76F5"
    "7F2CA7F88B9573C6647E0F07E24609BD6B63EB20C5B9784F28E71D2F4994FF61D9E1C2B3075592B4D1E09C4D8BB2"
    "7BE97B559E3DA6643781A6F477769DEEB009B10DFFF3426922725D607DC4480F0CAC5F70DB2587B124BCB2815927"
    "21D6E4BC180A97E5E111499CBE822E31C8D7761553543AA24207C290997BBDE64F9266BC5F529A172E381C1D898C"
    "A1A0D771A914A7B2D7467C70B94F1D4A7B0350A48DBF8B41"
)
# example 4: 147 bytes = 9 blocks + "g=N" left as plaintext
AREA_4 = (
    "DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,a01011-Flag=N;"
    "a01014-Min=3.20,a01014-Avg=3.20,a01014-Max=3.20,a01014-Flag=N"
)
CIPHER_4 = (
    "E43E159ACFAB242CB53155FB8B9281A1A242577ABFAED881BE88B72D69FC55ED1A80119FAAC8B3CD33D285CC76F5"
    "7F2CA7F88B9573C6647E0F07E24609BD6B63EB20C5B9784F28E71D2F4994FF61D9E13B391A1D2A454B65388D5D94"
    "35DBF021528C7BF9755EF16518710C0CAC0ADEF9C5156CD0A5A17674AC0ED2ABC40023E9EF70128554B82438E91A"
    "DCE98A0D03A4"
)


def test_gbt_32907_vector():
    assert sm4_encrypt(GBT_KEY, GBT_KEY).hex() == GBT_CIPHER
    assert sm4_decrypt(bytes.fromhex(GBT_CIPHER), GBT_KEY) == GBT_KEY


def test_no_padding_tail_stays_plaintext():
    data = b"X" * 20
    out = sm4_encrypt(data, TEST_KEY)
    assert len(out) == 20 and out[16:] == b"XXXX" and out[:16] != data[:16]
    assert sm4_decrypt(out, TEST_KEY) == data
    assert sm4_encrypt(b"short", TEST_KEY) == b"short"  # under one block: nothing encrypted


def test_appendix_a2_example_2():
    assert sm4_encrypt(AREA_2.encode(), TEST_KEY).hex().upper() == CIPHER_2
    plain = encode(HEADER + AREA_2 + "&&")
    # the printed frame: ##0295 … &&2200 — length and CRC of the plaintext segment
    assert plain[:6] == b"##0295" and plain[-6:] == b"2200\r\n"
    sealed = encrypt_frame(plain, TEST_KEY)
    assert sealed[:6] == b"##0295" and sealed[-6:] == b"2200\r\n" and len(sealed) == len(plain)
    assert sealed[6 + len(HEADER) : -8].hex().upper() == CIPHER_2
    assert decrypt_frame(sealed, TEST_KEY) == plain


def test_appendix_a2_example_4_tail():
    out = sm4_encrypt(AREA_4.encode(), TEST_KEY)
    assert out[:144].hex().upper() == CIPHER_4 and out[144:] == b"g=N"
    plain = encode(HEADER + AREA_4 + "&&")
    assert plain[:6] == b"##0234" and plain[-6:] == b"B541\r\n"


def test_text_form_is_read():
    """``CP=&&{0xE4,0x3E,…}<tail>&&`` sent literally, LLLL counting its characters."""
    cipher = sm4_encrypt(AREA_4.encode(), TEST_KEY)
    text = "{" + ",".join(f"0x{b:02X}" for b in cipher[:144]) + "}g=N"
    crc = encode(HEADER + AREA_4 + "&&")[-6:-2]
    segment = (HEADER + text + "&&").encode()
    frame = b"##%04d%s%s\r\n" % (len(segment), segment, crc)
    plain = decrypt_frame(frame, TEST_KEY)
    assert plain == encode(HEADER + AREA_4 + "&&")
    assert parse(plain).values["a01014-Avg"] == 3.20


def test_round_trip_2025_frame():
    segment = (
        HEADER.replace("CN=2051", "CN=2061")
        + "DataTime=20240520200000;a21026-Avg=12.5,a21026-Flag=N&&"
    )
    plain = encode(segment)
    sealed = encrypt_frame(plain, parse_key("30" * 16))
    assert b"a21026" not in sealed and sealed[:6] == plain[:6] and sealed[-6:] == plain[-6:]
    with pytest.raises(FieldError, match="not valid UTF-8"):  # binary data area
        parse(sealed)
    packet = parse(decrypt_frame(sealed, TEST_KEY))
    assert packet.values == {"a21026-Avg": 12.5} and packet.flag.version == 2
    # a wrong key decrypts to bytes whose CRC is not the frame's
    with pytest.raises(FieldError, match="not valid UTF-8"):
        parse(decrypt_frame(sealed, b"1" * 16))


def test_errors():
    with pytest.raises(FieldError, match="32 hexadecimal digits"):
        parse_key("0000")
    with pytest.raises(FieldError, match="16 bytes|it has 16"):
        sm4_encrypt(b"x" * 16, b"short")
    with pytest.raises(DecryptionError, match="CP=&&"):
        decrypt_frame(b"##0010QN=1;ST=31ABCD\r\n", TEST_KEY)


@pytest.mark.parametrize(
    ("cn", "encrypted"),
    [("2011", True), ("2061", True), ("1014", True), ("3020", True), ("1011", False),
     ("9011", False), ("9014", False), (None, False)],
)  # fmt: skip
def test_which_commands_are_encrypted(cn, encrypted):
    assert needs_encryption(cn) is encrypted
