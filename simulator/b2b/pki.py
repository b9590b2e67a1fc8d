"""The test PKI of the fleet (B2B) listener: a CA, the server's certificate, client certificates.

Everything is generated at start with EC P-256 keys (fast) and kept in memory; the files an
``ssl.SSLContext`` needs are written to a private temporary folder (0700, keys 0600) that
``TestPki.close`` removes. ``issue_client`` also makes the certificates tests need to see
refused: expired ones, ones expiring in N days, ones from a foreign CA.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import ipaddress
import os
from pathlib import Path
import shutil
import ssl
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Credential:
    """A certificate and its private key, both PEM."""

    cert_pem: str
    key_pem: str


def new_key() -> PrivateKey:
    """A fresh EC P-256 key."""
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key: PrivateKey) -> str:
    """Unencrypted PKCS#8 PEM of a key."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def cert_pem(cert: x509.Certificate) -> str:
    """PEM of a certificate."""
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Connected Car simulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


class Authority:
    """A self-signed CA that issues server and client certificates."""

    def __init__(self, common_name: str, now: datetime) -> None:
        self.key = new_key()
        self.name = _name(common_name)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False
            )
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )

    @property
    def pem(self) -> str:
        """The CA certificate, PEM."""
        return cert_pem(self.cert)

    def issue(
        self,
        common_name: str,
        not_before: datetime,
        not_after: datetime,
        *,
        server: bool = False,
    ) -> Credential:
        """A leaf certificate for a fresh key (server: for 127.0.0.1 and localhost)."""
        key = new_key()
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [
                        x509.DNSName("localhost"),
                        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    ]
                ),
                critical=False,
            )
        cert = builder.sign(self.key, hashes.SHA256())
        return Credential(cert_pem(cert), key_pem(key))


class TestPki:
    """The listener's CA, server credential and the default client credential."""

    __test__ = False  # not a pytest class

    def __init__(self, client_name: str = "sim-fleet-client") -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        self.ca = Authority("Connected Car simulator test CA", now)
        self.foreign_ca = Authority("Some other CA", now)
        self.server = self.ca.issue(
            "127.0.0.1", now - timedelta(days=1), now + timedelta(days=825), server=True
        )
        self.client = self.issue_client(days=365, name=client_name)
        self.folder = Path(tempfile.mkdtemp(prefix="psa-sim-pki-"))
        self.folder.chmod(0o700)
        self._written = 0

    def issue_client(
        self,
        *,
        days: float = 365,
        expired: bool = False,
        foreign: bool = False,
        name: str = "sim-fleet-client",
    ) -> Credential:
        """A client certificate: valid ``days`` more days, already expired, or foreign-issued."""
        now = datetime.now(UTC).replace(microsecond=0)
        authority = self.foreign_ca if foreign else self.ca
        if expired:
            return authority.issue(name, now - timedelta(days=400), now - timedelta(days=1))
        return authority.issue(name, now - timedelta(days=1), now + timedelta(days=days))

    def mismatched_key_pem(self) -> str:
        """A private key that belongs to no certificate here."""
        return key_pem(new_key())

    def write(self, name: str, text: str, secret: bool = False) -> Path:
        """Write a PEM into the private folder (0600 for keys); its path."""
        path = self.folder / name
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        fd = os.open(path, flags, 0o600 if secret else 0o644)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        return path

    def server_context(self) -> ssl.SSLContext:
        """TLS server context that requires a client certificate issued by the CA.

        TLS 1.2 at most: there the server checks the client's certificate inside the
        handshake, so a refused one fails the connection itself (the client sees the
        connection reset while connecting); TLS 1.3 would let the client finish its
        handshake and only then drop the connection, like any other disconnect.
        """
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        cert = self.write("server.pem", self.server.cert_pem)
        key = self.write("server-key.pem", self.server.key_pem, secret=True)
        context.load_cert_chain(cert, key)
        context.load_verify_locations(cadata=self.ca.pem)
        context.verify_mode = ssl.CERT_REQUIRED
        return context

    def client_context(
        self, credential: Credential | None = None, key: str | None = None
    ) -> ssl.SSLContext:
        """A client context trusting the CA and presenting ``credential`` (default: ours)."""
        chosen = credential or self.client
        context = ssl.create_default_context(cadata=self.ca.pem)
        self._written += 1
        cert = self.write(f"client-{self._written}.pem", chosen.cert_pem)
        key_path = self.write(f"client-{self._written}-key.pem", key or chosen.key_pem, secret=True)
        context.load_cert_chain(cert, key_path)
        return context

    def close(self) -> None:
        """Remove the private folder."""
        shutil.rmtree(self.folder, ignore_errors=True)
