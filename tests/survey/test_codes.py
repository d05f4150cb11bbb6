"""Survey codes: check symbol, normalisation, randomness."""

import itertools

from khaosat.survey.codes import (
    ALPHABET,
    check_symbol,
    display_code,
    new_code,
    new_token,
    normalise_code,
    parse_qr_payload,
    qr_payload,
)


def test_new_codes_are_valid_and_unguessable():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(normalise_code(code) == code for code in codes)
    assert len({new_token() for _ in range(100)}) == 100
    assert len(new_token()) * 6 >= 128 + 64


def test_every_single_symbol_error_is_caught():
    code = "7K3M9QXC"
    code = code[:-1] + check_symbol(code[:-1])
    for position, symbol in itertools.product(range(8), ALPHABET):
        if symbol == code[position]:
            continue
        assert normalise_code(code[:position] + symbol + code[position + 1 :]) is None


def test_every_swap_of_neighbours_is_caught_but_0z():
    missed = set()
    for _ in range(2000):
        code = new_code()
        for position in range(7):
            a, b = code[position], code[position + 1]
            if a != b and normalise_code(code[:position] + b + a + code[position + 2 :]) is not None:
                missed.add(frozenset((a, b)))
    assert missed <= {frozenset("0Z")}


def test_typed_codes_are_forgiven():
    """Case, dashes, spaces and the letters I, L, O, U are read as people mean them."""
    body = "1K0M9QV"
    code = body + check_symbol(body)
    typed = display_code(code).lower().replace("1", "l").replace("0", "o").replace("v", "u")
    assert normalise_code(f"  {typed} ") == code
    assert normalise_code("ABC") is None


def test_qr_payload_round_trip():
    code = new_code()
    assert parse_qr_payload(qr_payload("1", code)) == ("1", code)
    assert parse_qr_payload(qr_payload("1", None)) == ("1", None)
    assert parse_qr_payload("https://example.vn") is None
    assert qr_payload("1", code).upper() == qr_payload("1", code)


def test_web_links_in_a_qr_give_version_and_code_whatever_their_host_and_case():
    """A form's web link is read by its tail /K/<version>/<code>: any host, prefix or case."""
    code = new_code()
    for link in (
        f"HTTPS://KHAOSAT.SKHCN.EXAMPLE.GOV.VN/K/2/{code}",
        f"https://skhcn.example.gov.vn/khaosat/k/2/{code.lower()}",
        f"http://10.0.0.5:8080/K/2/{display_code(code)}",
    ):
        assert parse_qr_payload(link) == ("2", code)
    assert parse_qr_payload(f"HTTPS://HOST/K/2026-DEPT-01/{code}") == ("2026-DEPT-01", code)


def test_other_links_and_shapes_are_not_ours():
    code = new_code()
    for text in (
        f"HTTPS://HOST/P/2/{code}",  # not the QR path
        "HTTPS://HOST/K/2/",  # no code
        f"HTTPS://HOST/K//{code}",  # no version
        f"FTP://HOST/K/2/{code}",
        f"HOST/K/2/{code}",
        f"KS/2/{code}/X",
        f"ks/2/{code}",
    ):
        assert parse_qr_payload(text) is None, text
