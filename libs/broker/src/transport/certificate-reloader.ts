import { watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from '@dh-mqtt/runtime';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  checkCertificate,
  loadCertificate,
  readCertificateFiles,
  type CertificateInfo,
  type LoadedCertificate,
  type TlsMaterial,
  type TlsPaths,
} from './tls-certificates';

/** What asked for a reload (logged). */
export type ReloadTrigger = 'SIGHUP' | 'file change' | 'request';

export interface CertificateReloaderOptions {
  logger: Logger;
  /** The app's Prometheus registry: `dh_tls_certificate_reloads_total`, `..._expiry_...`. */
  metrics?: Registry;
  /** Quiet time after the last file event before the files are read again. */
  debounceMs?: number;
}

/** Default quiet time: a secret swap or a `cp` of two files is a burst of events. */
const DEBOUNCE_MS = 250;

/**
 * Owns the certificate of the TLS listeners (TLS and secure WebSocket): loads it at start (a bad
 * file fails the start), and on {@link reload} reads the files again by path, checks them and
 * re-keys every served server with `setSecureContext`. Connections already open keep their
 * session; new handshakes get the new certificate. A bad new file keeps the certificate in use,
 * logs the reason (never the key) and counts a failure.
 */
export class CertificateReloader {
  private loaded: LoadedCertificate;
  /** Digest of the files last tried, so a file event that changed nothing reloads nothing. */
  private lastTried: string;
  private readonly servers: TlsServer[] = [];
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly logger: Logger;
  private readonly metrics: TlsMetrics;

  constructor(
    private readonly paths: TlsPaths,
    private readonly options: CertificateReloaderOptions,
  ) {
    this.logger = options.logger;
    this.loaded = loadCertificate(paths);
    this.lastTried = this.loaded.digest;
    this.metrics = tlsMetrics(options.metrics);
    this.metrics.served(this.loaded.info);
    this.logger.info(logFields(this.loaded.info), 'tls certificate loaded');
  }

  /** The material servers are built with. */
  get material(): TlsMaterial {
    return this.loaded.material;
  }

  /** Re-keys `server` on every successful reload. */
  serve(server: TlsServer): void {
    this.servers.push(server);
  }

  /**
   * Reads and checks the files, then re-keys every server. Returns whether the new certificate
   * is served; on a bad file the old one stays.
   */
  reload(trigger: ReloadTrigger = 'request'): boolean {
    return this.attempt(trigger, false);
  }

  /**
   * Watches the directories of the files: Kubernetes replaces a mounted secret by swapping a
   * `..data` symlink, which an fs.watch on the file itself would never see. Events are
   * debounced, and files whose bytes did not change since the last try are left alone.
   */
  watch(): void {
    const dirs = new Set(
      [this.paths.certPath, this.paths.keyPath, this.paths.caPath]
        .filter((path): path is string => path !== undefined)
        .map((path) => dirname(resolve(path))),
    );
    for (const dir of dirs) {
      try {
        const watcher = watch(dir, { persistent: false }, () => this.schedule());
        watcher.on('error', (err) =>
          this.logger.warn({ dir, err }, 'tls certificate directory no longer watched'),
        );
        this.watchers.push(watcher);
      } catch (err) {
        this.logger.warn({ dir, err }, 'tls certificate directory not watched; reload with SIGHUP');
      }
    }
  }

  /** Stops watching; the servers keep the certificate they have. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reloadIfChanged(), this.options.debounceMs ?? DEBOUNCE_MS);
    this.timer.unref();
  }

  private reloadIfChanged(): void {
    this.attempt('file change', true);
  }

  /** Reads, checks and applies the files; `onlyIfChanged` skips bytes already tried. */
  private attempt(trigger: ReloadTrigger, onlyIfChanged: boolean): boolean {
    let files: ReturnType<typeof readCertificateFiles>;
    try {
      files = readCertificateFiles(this.paths);
    } catch (err) {
      return this.failed(trigger, err);
    }
    if (onlyIfChanged && files.digest === this.lastTried) return false;
    this.lastTried = files.digest;
    let info: CertificateInfo;
    try {
      info = checkCertificate(this.paths, files.material);
    } catch (err) {
      return this.failed(trigger, err);
    }
    return this.apply(trigger, { ...files, info });
  }

  private apply(trigger: ReloadTrigger, next: LoadedCertificate): boolean {
    try {
      for (const server of this.servers) server.setSecureContext(next.material);
    } catch (err) {
      return this.failed(trigger, err);
    }
    this.loaded = next;
    this.metrics.reloaded(next.info);
    this.logger.info({ trigger, ...logFields(next.info) }, 'tls certificate reloaded');
    return true;
  }

  private failed(trigger: ReloadTrigger, err: unknown): false {
    this.metrics.failed();
    this.logger.error(
      { trigger, reason: (err as Error)?.message, served: this.loaded.info.fingerprint256 },
      'tls certificate reload failed; the certificate in use stays',
    );
    return false;
  }
}

function logFields(info: CertificateInfo) {
  return { subject: info.subject, validTo: info.validTo, fingerprint256: info.fingerprint256 };
}

interface TlsMetrics {
  served(info: CertificateInfo): void;
  reloaded(info: CertificateInfo): void;
  failed(): void;
}

/** The reload counter (both results pre-created at 0) and the expiry gauge, on `registry`. */
function tlsMetrics(registry?: Registry): TlsMetrics {
  if (!registry)
    return { served: () => undefined, reloaded: () => undefined, failed: () => undefined };
  const reloads = new Counter({
    name: 'dh_tls_certificate_reloads_total',
    help: 'Certificate reloads of the TLS and secure WebSocket listeners, by result',
    labelNames: ['result'],
    registers: [registry],
  });
  reloads.inc({ result: 'success' }, 0);
  reloads.inc({ result: 'failure' }, 0);
  const expiry = new Gauge({
    name: 'dh_tls_certificate_expiry_timestamp_seconds',
    help: 'notAfter of the certificate the TLS listeners serve, in seconds since the epoch',
    registers: [registry],
  });
  const served = (info: CertificateInfo) => expiry.set(info.expiresAt);
  return {
    served,
    reloaded: (info) => {
      reloads.inc({ result: 'success' });
      served(info);
    },
    failed: () => reloads.inc({ result: 'failure' }),
  };
}
