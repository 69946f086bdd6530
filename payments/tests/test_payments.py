"""Message signatures of NETOPIA and EuPlatesc, in plain Python (no Odoo)."""

import hashlib
import hmac
import json
import unittest

from .. import euplatesc, netopia
from ..base import PaymentSignatureError
from ..fakes import FakeNetopia
from ..fakes.netopia import make_key_pair

MANUAL_KEY = "00112233445566778899AABBCCDDEEFF"
MANUAL_ORDER = {
    "amount": "100.00",
    "curr": "RON",
    "invoice_id": "6233097",
    "order_desc": "Shoes",
    "merch_id": "testaccount",
    "timestamp": "20060826054802",
    "nonce": "e15800a1f52ab6b42e852a9943a6a72a",
}


def vendor_hmac_md5(key_hex, data):
    """EuPlatesc's PHP ``hmacsha1`` (md5) written out: pad, ipad, opad."""
    key = bytes.fromhex(key_hex).ljust(64, b"\0")
    inner = hashlib.md5(bytes(b ^ 0x36 for b in key) + data.encode()).digest()
    return hashlib.md5(bytes(b ^ 0x5C for b in key) + inner).hexdigest().upper()


class TestEuPlatescSignature(unittest.TestCase):
    def test_mac_source_is_the_manuals_example(self):
        """The MAC source string of the manual's payment example, byte for byte."""
        self.assertEqual(
            euplatesc.mac_source(MANUAL_ORDER, euplatesc.REQUEST_SIGNED_FIELDS),
            "6100.003RON762330975Shoes11testaccount142006082605480232"
            "e15800a1f52ab6b42e852a9943a6a72a",
        )

    def test_fp_hash_is_the_vendors_hmac_md5(self):
        """fp_hash is the vendor's HMAC-MD5, key unpacked from hex, upper-case."""
        self.assertEqual(
            euplatesc.sign(MANUAL_ORDER, euplatesc.REQUEST_SIGNED_FIELDS, MANUAL_KEY),
            vendor_hmac_md5(
                MANUAL_KEY,
                euplatesc.mac_source(MANUAL_ORDER, euplatesc.REQUEST_SIGNED_FIELDS),
            ),
        )

    def test_empty_values_and_byte_lengths(self):
        """An empty value hashes as '-'; lengths are UTF-8 bytes (PHP strlen)."""
        source = euplatesc.mac_source({"a": "", "b": "Brașov"}, ("a", "b"))
        self.assertEqual(source, "-7Brașov")

    def test_answer_and_notification_checked(self):
        """A signed answer passes; a changed field or a dropped sec_status does not."""
        answer = dict(
            MANUAL_ORDER, ep_id="EP1", action="0", message="Approved", approval="1"
        )
        answer["sec_status"] = "8"
        answer["fp_hash"] = euplatesc.sign(
            answer, euplatesc.NOTIFICATION_SIGNED_FIELDS, MANUAL_KEY
        )
        self.assertEqual(euplatesc.verify_answer(answer, MANUAL_KEY), answer)
        self.assertEqual(euplatesc.answer_outcome(answer), "paid")
        for forged in (
            {**answer, "amount": "1.00"},
            {k: v for k, v in answer.items() if k != "sec_status"},
        ):
            with self.assertRaises(PaymentSignatureError):
                euplatesc.verify_answer(forged, MANUAL_KEY)


class TestNetopiaIpnSignature(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeNetopia()  # not started: only its keys and tokens are used
        cls.fake.payments["1"] = {
            "order_id": "S00001",
            "amount": 10.0,
            "currency": "RON",
        }

    def test_genuine_ipn_accepted(self):
        """A token signed by NETOPIA's key for this POS over this body is accepted."""
        body = self.fake.ipn_body("1", netopia.STATUS_PAID)
        data = netopia.verify_ipn(
            self.fake.token(body),
            body,
            self.fake.public_key_pem,
            self.fake.pos_signature,
        )
        self.assertEqual(data["payment"]["status"], netopia.STATUS_PAID)
        self.assertEqual(json.loads(body), data)

    def test_forgeries_refused(self):
        """Another key, POS, issuer or body, or HS512 with the public key: refused."""
        body = self.fake.ipn_body("1", netopia.STATUS_PAID)
        other_key, _public = make_key_pair()
        hs512 = self._hs512_token(body)
        for token, raw in (
            (self.fake.token(body, private_key_pem=other_key), body),
            (self.fake.token(body, audience="OTHER"), body),
            (self.fake.token(body, issuer="Other"), body),
            (self.fake.token(body), body + b" "),
            (hs512, body),
            ("not-a-token", body),
        ):
            with self.assertRaises(PaymentSignatureError):
                netopia.verify_ipn(
                    token, raw, self.fake.public_key_pem, self.fake.pos_signature
                )

    def _hs512_token(self, body):
        header = {"typ": "JWT", "alg": "HS512"}
        claims = {
            "iss": netopia.ISSUER,
            "aud": self.fake.pos_signature,
            "sub": netopia.payload_hash(body),
        }

        def b64(data):
            import base64

            return (
                base64.urlsafe_b64encode(json.dumps(data).encode())
                .rstrip(b"=")
                .decode()
            )

        signing_input = f"{b64(header)}.{b64(claims)}"
        signature = hmac.new(
            self.fake.public_key_pem.encode(), signing_input.encode(), hashlib.sha512
        ).digest()
        import base64

        encoded = base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
        return f"{signing_input}.{encoded}"
