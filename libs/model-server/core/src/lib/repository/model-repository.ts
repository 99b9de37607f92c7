import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseModelConfig } from './model-config';
import { describeError, type ModelServerLogger } from './model-server-logger';
import { ModelVersion } from './model-version';
import { type SessionLoader, type SessionOptions } from './session-loader';
import { ServedModel } from './served-model';

/** A version directory is a positive integer, as in TF Serving's file system source. */
const VERSION_DIR = /^[1-9][0-9]*$/;
const MODEL_FILE = 'model.onnx';
const CONFIG_FILE = 'config.json';

/**
 * TF Serving's model repository layout (`<repo>/<model>/<version>/model.onnx`) kept in sync with the disk:
 * scan() loads new versions, unloads removed ones (after their requests in flight), picks up config.json
 * changes; polling repeats it. Every version found is served (TF's `all` version policy), so labels can
 * point at older versions.
 */
export class ModelRepository {
  private readonly models = new Map<string, ServedModel>();
  private scanning: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private warnedMissingRoot = false;
  private readonly unloads = new Set<Promise<void>>();

  constructor(
    readonly rootDir: string,
    private readonly sessionOptions: SessionOptions,
    private readonly loader: SessionLoader,
    private readonly logger: ModelServerLogger,
  ) {}

  model(name: string): ServedModel | undefined {
    return this.models.get(name);
  }

  modelNames(): string[] {
    return [...this.models.keys()];
  }

  startPolling(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    const tick = (): void => {
      this.timer = setTimeout(() => {
        this.scan()
          .catch((error: unknown) =>
            this.logger.warn(`model repository scan failed: ${describeError(error)}`),
          )
          .finally(() => {
            if (!this.closed) tick();
          });
      }, intervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** One pass over the repository; concurrent callers share the pass in progress. */
  scan(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.scanning ??= this.scanOnce().finally(() => (this.scanning = null));
    return this.scanning;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.scanning?.catch(() => undefined);
    for (const model of this.models.values()) for (const v of model.versions.values()) this.unload(model, v);
    await Promise.all([...this.unloads]);
    await this.loader.close();
  }

  private async scanOnce(): Promise<void> {
    const root = await stat(this.rootDir).catch(() => null);
    if (!root?.isDirectory()) {
      if (!this.warnedMissingRoot)
        this.logger.warn(`model repository ${this.rootDir} is not a directory; serving no models`);
      this.warnedMissingRoot = true;
    } else this.warnedMissingRoot = false;
    const names = await subdirectories(this.rootDir);
    for (const name of names) await this.scanModel(name);
    for (const [name, model] of this.models) {
      if (names.includes(name)) continue;
      for (const v of model.versions.values()) this.unload(model, v);
      if (model.versions.size === 0) this.models.delete(name);
    }
  }

  private async scanModel(name: string): Promise<void> {
    const dir = path.join(this.rootDir, name);
    let model = this.models.get(name);
    const found = new Map<number, string>();
    for (const entry of await subdirectories(dir)) {
      if (!VERSION_DIR.test(entry)) continue;
      const file = path.join(dir, entry, MODEL_FILE);
      const st = await stat(file).catch(() => null);
      if (st?.isFile()) found.set(Number(entry), `${st.size}:${st.mtimeMs}`);
    }
    if (!model && found.size === 0) return;
    if (!model) this.models.set(name, (model = new ServedModel(name)));

    const configChanged = await this.readConfig(model, dir);

    for (const [version, stamp] of found) {
      const existing = model.versions.get(version);
      // A failed load is retried only once the file (e.g. still being written) or config.json changes.
      const retry =
        existing?.state === 'END' &&
        existing.error !== undefined &&
        (existing.fileStamp !== stamp || configChanged);
      if (existing && !retry) continue;
      const mv = new ModelVersion(version, path.join(dir, String(version), MODEL_FILE));
      model.versions.set(version, mv);
      try {
        await mv.load(this.loader, this.sessionOptions, model.config, stamp);
        this.logger.log(`model ${name} version ${version} loaded`);
      } catch (error) {
        this.logger.warn(`model ${name} version ${version} failed to load: ${describeError(error)}`);
      }
    }
    for (const v of model.versions.values()) if (!found.has(v.version)) this.unload(model, v);
  }

  /** Reads config.json; true when it changed. */
  private async readConfig(model: ServedModel, dir: string): Promise<boolean> {
    const text = await readFile(path.join(dir, CONFIG_FILE), 'utf8').catch(() => null);
    if (text === model.configText) return false;
    model.configText = text;
    try {
      const config = text === null ? null : parseModelConfig(text);
      for (const v of model.versions.values()) v.applyConfig(config);
      model.config = config;
    } catch (error) {
      this.logger.warn(`model ${model.name}: ${describeError(error)}; keeping the previous configuration`);
    }
    return true;
  }

  private unload(model: ServedModel, version: ModelVersion): void {
    if (version.state === 'UNLOADING') return;
    const failed = version.state === 'END';
    const done = version
      .unload()
      .then(() => {
        if (!failed) this.logger.log(`model ${model.name} version ${version.version} unloaded`);
      })
      .catch((error: unknown) =>
        this.logger.warn(
          `model ${model.name} version ${version.version} unload failed: ${describeError(error)}`,
        ),
      )
      .finally(() => {
        if (model.versions.get(version.version) === version) model.versions.delete(version.version);
        if (model.versions.size === 0 && this.models.get(model.name) === model && !this.closed) {
          // Keep the entry only while the directory still has versions; the next scan re-adds it otherwise.
          this.models.delete(model.name);
        }
        this.unloads.delete(done);
      });
    this.unloads.add(done);
  }
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const e of entries) {
    if (e.isDirectory()) names.push(e.name);
    else if (e.isSymbolicLink() && (await stat(path.join(dir, e.name)).catch(() => null))?.isDirectory())
      names.push(e.name);
  }
  return names.sort();
}
