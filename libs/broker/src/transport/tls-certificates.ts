import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { readTlsFiles } from './tls-server';

/** Where the PEM files are (`DH_TLS_CERT`, `DH_TLS_KEY`, `DH_TLS_CA`). */
export interface TlsPaths {
  certPath: string;
  keyPath: string;
  caPath?: string;
}

/** The PEM bytes a TLS server is built or re-keyed with. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

/** What may be logged about a served certificate: never anything of the key. */
export interface CertificateInfo {
  subject: string;
  /** notAfter as OpenSSL prints it, e.g. `Jan  2 03:04:05 2026 GMT`. */
  validTo: string;
  /** notAfter in seconds since the epoch (`dh_tls_certificate_expiry_timestamp_seconds`). */
  expiresAt: number;
  /** SHA-256 fingerprint of the leaf, `AB:CD:...`, as `getPeerCertificate()` shows it. */
  fingerprint256: string;
}

/** Checked PEM material, its leaf certificate and a digest of the bytes read. */
export interface LoadedCertificate {
  material: TlsMaterial;
  info: CertificateInfo;
  /** SHA-256 over the three files: tells a changed file from an event that changed nothing. */
  digest: string;
}

/** The PEM files as they are now, and a digest that tells a changed file from an unchanged one. */
export function readCertificateFiles(paths: TlsPaths): { material: TlsMaterial; digest: string } {
  const read = readTlsFiles(paths);
  const material: TlsMaterial = {
    cert: read.cert as Buffer,
    key: read.key as Buffer,
    ca: read.ca as Buffer | undefined,
  };
  const digest = createHash('sha256');
  for (const bytes of [material.cert, material.key, material.ca ?? Buffer.alloc(0)]) {
    digest.update(createHash('sha256').update(bytes).digest());
  }
  return { material, digest: digest.digest('hex') };
}

/**
 * Checks PEM material the way a TLS server would use it: the certificate parses, the key parses
 * and belongs to it, the CA bundle (if any) parses, and OpenSSL accepts them together. Throws an
 * error naming the file and the problem; the message never holds file contents.
 */
export function checkCertificate(paths: TlsPaths, material: TlsMaterial): CertificateInfo {
  const leaf = parse(
    () => new X509Certificate(material.cert),
    `${paths.certPath} is not a PEM certificate`,
  );
  const key = parse(() => createPrivateKey(material.key), `${paths.keyPath} is not a PEM key`);
  if (!leaf.checkPrivateKey(key)) {
    throw new Error(`${paths.keyPath} is not the key of the certificate in ${paths.certPath}`);
  }
  const { ca } = material;
  if (ca) parse(() => new X509Certificate(ca), `${paths.caPath} is not a PEM certificate`);
  parse(() => createSecureContext(material), `OpenSSL refuses ${paths.certPath} with its key`);
  return describe(leaf);
}

/** {@link readCertificateFiles} then {@link checkCertificate}. */
export function loadCertificate(paths: TlsPaths): LoadedCertificate {
  const { material, digest } = readCertificateFiles(paths);
  return { material, digest, info: checkCertificate(paths, material) };
}

function describe(leaf: X509Certificate): CertificateInfo {
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    validTo: leaf.validTo,
    expiresAt: Math.floor(Date.parse(leaf.validTo) / 1000),
    fingerprint256: leaf.fingerprint256,
  };
}

function parse<T>(build: () => T, problem: string): T {
  try {
    return build();
  } catch {
    // Our own message: it names the file, and never echoes any of its bytes.
    throw new Error(problem);
  }
}
