import { gunzipSync } from 'node:zlib';
import { readExamples } from './classify/example-features.reader';
import { buildExampleTensors } from './classify/example-tensors.builder';
import { writeClassifyResponse, writeRegressResponse } from './classify/classify-regress-response.writer';
import { ServingError, invalidArgument } from './errors/serving-error';
import { writeModelMetadata } from './http/model-metadata.writer';
import { writeModelStatus } from './http/model-status.writer';
import { routeRequest } from './http/rest-route';
import { jsonDebugString } from './json/json-debug-string';
import { JsonObject, type JsonDocument } from './json/json-document';
import { JsonParseError } from './json/json-parse-error';
import { withParsedJson } from './json/json-parser';
import { PrettyJsonWriter } from './json/pretty-json-writer';
import { AdaptiveSessionLoader } from './repository/adaptive-session.loader';
import { MainThreadSessionLoader } from './repository/main-thread-session.loader';
import { ModelRepository } from './repository/model-repository';
import { WorkerSessionLoader } from './repository/worker-session.loader';
import { SILENT_LOGGER, type ModelServerLogger } from './repository/model-server-logger';
import { type ModelVersion } from './repository/model-version';
import { type SessionLoader } from './repository/session-loader';
import { DEFAULT_SIGNATURE, type Signature } from './repository/signature';
import { recycleTensorData, type HostTensor } from './tensor/host-tensor';
import { readPredictInputs } from './tensor/predict-request.reader';
import { writePredictResponse } from './tensor/predict-response.writer';

export type InferenceThread = 'main' | 'worker' | 'auto';

export interface ModelServerOptions {
  readonly repositoryDir: string;
  /** How often the repository is rescanned for new and removed versions; 0 disables polling. Default 1000 (TF Serving polls every second). */
  readonly pollIntervalMs?: number;
  /** ORT intra-op threads per session; ORT's default (all cores) when absent. */
  readonly intraOpNumThreads?: number;
  /**
   * Where ORT runs. onnxruntime-node's run() computes synchronously on the calling thread, so 'worker'
   * keeps every session in one worker thread and a slow model never stalls other requests, for a message
   * round trip per call (more CPU than a fast model's run); 'main' computes on the event loop's thread;
   * 'auto' (default) loads each version in the worker and moves it to the main thread while its runs
   * stay under inlineMaxRunUs.
   */
  readonly inferenceThread?: InferenceThread;
  /**
   * 'auto' only: estimated ORT run time (µs) at or under which a version computes on the main thread.
   * Default 1000; inline runs estimated over 4 times this move back to the worker.
   */
  readonly inlineMaxRunUs?: number;
  /** Largest request body accepted after gzip decompression. Default 64 MiB. */
  readonly maxBodyBytes?: number;
  /** Inference deadline per request, TF Serving's --rest_api_timeout_in_ms (default 30000); 0 disables. */
  readonly requestTimeoutMs?: number;
  readonly logger?: ModelServerLogger;
}

export interface ModelServerRequest {
  readonly method: string;
  /** The request target as sent, query string included (TF Serving matches its routes against it). */
  readonly path: string;
  readonly body: Uint8Array;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

export interface ModelServerResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;
const EMPTY = new Uint8Array(0);
// libevent's evhttp answer for paths TF Serving does not dispatch (anything outside /v1/).
const NOT_FOUND_HTML =
  '<HTML><HEAD>\n<TITLE>404 Not Found</TITLE>\n</HEAD><BODY>\n<H1>Not Found</H1>\n</BODY></HTML>\n';
const CORS_ORIGIN = /^https?:\/\//;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** inlineMaxRunUs when absent: a run that long on the event loop delays other requests by about as much. */
export const DEFAULT_INLINE_MAX_RUN_US = 1000;

/**
 * TF Serving's REST API over ONNX Runtime: routes, JSON ↔ tensor conversion and errors as TF Serving's
 * http_rest_api_handler does them, models from a TF-Serving-layout repository kept in sync by polling.
 * Framework-free: the standalone app and the gateway's in-process adapter both call handle().
 */
export class ModelServer {
  private closed = false;

  private constructor(
    private readonly repository: ModelRepository,
    private readonly maxBodyBytes: number,
    private readonly requestTimeoutMs: number,
  ) {}

  static async open(options: ModelServerOptions): Promise<ModelServer> {
    const logger = options.logger ?? SILENT_LOGGER;
    const repository = new ModelRepository(
      options.repositoryDir,
      { intraOpNumThreads: options.intraOpNumThreads },
      sessionLoader(options, logger),
      logger,
    );
    await repository.scan();
    repository.startPolling(options.pollIntervalMs ?? 1000);
    return new ModelServer(
      repository,
      options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    );
  }

  /** Rescans the repository now (the poller does this periodically). */
  refresh(): Promise<void> {
    return this.repository.scan();
  }

  /** Names of the models with at least one version on disk. */
  modelNames(): string[] {
    return this.repository.modelNames();
  }

  /** Whether a request for this model (and version or label) would find a loaded version. */
  isAvailable(model: string, version?: number, label?: string): boolean {
    try {
      this.resolve(model, version, label);
      return true;
    } catch {
      return false;
    }
  }

  async handle(req: ModelServerRequest): Promise<ModelServerResponse> {
    try {
      const route = routeRequest(req.method, req.path);
      switch (route.kind) {
        case 'not-dispatched':
          return { status: 404, headers: { 'Content-Type': 'text/html' }, body: Buffer.from(NOT_FOUND_HTML) };
        case 'cors-preflight':
          if (!CORS_ORIGIN.test(header(req, 'origin') ?? '')) {
            throw new ServingError('FAILED_PRECONDITION', 'Origin header is missing in CORS preflight');
          }
          return { status: 200, headers: { ...JSON_HEADERS }, body: EMPTY };
        case 'status':
          return ok(this.status(route.model, route.version));
        case 'metadata': {
          const mv = this.resolve(route.model, route.version, route.label);
          return ok(writeModelMetadata(route.model, mv.version, mv.signatures));
        }
        case 'infer': {
          const body = this.decodeBody(req);
          if (route.verb === 'predict')
            return ok(await this.predict(body, route.model, route.version, route.label));
          return ok(await this.classifyOrRegress(route.verb, body, route.model, route.version, route.label));
        }
      }
    } catch (error) {
      return errorResponse(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.repository.close();
  }

  /**
   * TF Serving answers 504 (DEADLINE_EXCEEDED) when a REST call outlives --rest_api_timeout_in_ms. An ORT
   * run cannot be cancelled: it finishes unobserved (in worker mode, before the worker handles a release).
   */
  private withDeadline<T>(work: Promise<T>): Promise<T> {
    const ms = this.requestTimeoutMs;
    if (ms <= 0) return work;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ServingError('DEADLINE_EXCEEDED', `Request timed out after ${ms} ms`)),
        ms,
      );
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private decodeBody(req: ModelServerRequest): Uint8Array {
    // TF Serving's http_server decompresses bodies whose Content-Encoding mentions gzip.
    if (!(header(req, 'content-encoding') ?? '').toLowerCase().includes('gzip')) return req.body;
    try {
      return gunzipSync(req.body, { maxOutputLength: this.maxBodyBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new BodyTooLargeError(this.maxBodyBytes);
      throw invalidArgument('Failed to decompress the gzip request body');
    }
  }

  private status(name: string, version: number | undefined): string {
    const model = this.repository.model(name);
    // TF's status lookup ignores labels: /labels/{x} answers all versions, even for an unknown label.
    if (!model || model.versions.size === 0)
      throw new ServingError('NOT_FOUND', `Could not find any versions of model ${name}`);
    if (version === undefined) return writeModelStatus([...model.versions.values()]);
    const mv = model.versions.get(version);
    if (!mv) throw new ServingError('NOT_FOUND', `Could not find version ${version} of model ${name}`);
    return writeModelStatus([mv]);
  }

  /** ServerCore::GetServableHandle: label → version, else the requested version, else the latest. */
  private resolve(name: string, version: number | undefined, label: string | undefined): ModelVersion {
    const model = this.repository.model(name);
    if (label !== undefined) {
      const labelled = model?.labelVersion(label);
      if (labelled === undefined) throw invalidArgument(`Unrecognized servable version label: ${label}`);
      version = labelled;
    }
    if (version !== undefined) {
      const mv = model?.versions.get(version);
      if (!mv?.available)
        throw new ServingError('NOT_FOUND', `Servable not found for request: Specific(${name}, ${version})`);
      return mv;
    }
    const latest = model?.latest();
    if (!latest) throw new ServingError('NOT_FOUND', `Servable not found for request: Latest(${name})`);
    return latest;
  }

  private async predict(body: Uint8Array, name: string, version?: number, label?: string): Promise<string> {
    const { mv, signature, inputs } = readRequest(body, (doc, root, signatureName) => {
      const mv = this.resolve(name, version, label);
      const key = signatureName || DEFAULT_SIGNATURE;
      const signature = mv.signatures.get(key);
      if (!signature) throw invalidArgument(`Serving signature name: "${key}" not found in signature def`);
      return { mv, signature, inputs: readPredictInputs(doc, root, signature) };
    });
    mv.acquire();
    try {
      const outputs = await this.withDeadline(runThenRecycle(mv, signature, inputs.tensors));
      return writePredictResponse(outputs, inputs.format);
    } finally {
      mv.release();
    }
  }

  private async classifyOrRegress(
    verb: 'classify' | 'regress',
    body: Uint8Array,
    name: string,
    version?: number,
    label?: string,
  ): Promise<string> {
    // Unlike predict, TF Serving reads the whole body before it looks the model up.
    const { examples, signatureName } = readRequest(body, (doc, root, signatureName) => ({
      examples: readExamples(doc, root),
      signatureName,
    }));
    const mv = this.resolve(name, version, label);
    mv.acquire();
    try {
      const key = signatureName || DEFAULT_SIGNATURE;
      const signature = mv.signatures.get(key);
      if (!signature) throw invalidArgument(`No signature was found with the name: ${key}`);
      if (signature.method !== verb) {
        const what = verb === 'classify' ? 'classification' : 'regression';
        throw invalidArgument(`No ${what} inputs found in SignatureDef: ${key} (method ${signature.method})`);
      }
      const tensors = buildExampleTensors(signature, examples);
      const outputs = await this.withDeadline(runThenRecycle(mv, signature, tensors));
      return verb === 'classify'
        ? writeClassifyResponse(signature, outputs, examples.length)
        : writeRegressResponse(signature, outputs, examples.length);
    } finally {
      mv.release();
    }
  }
}

/**
 * mv.run, handing the input buffers back for reuse once the run has settled (not when the deadline gives up
 * on it: ORT may still be reading them then).
 */
function runThenRecycle(
  mv: ModelVersion,
  signature: Signature,
  inputs: ReadonlyMap<string, HostTensor>,
): ReturnType<ModelVersion['run']> {
  const run = mv.run(signature, inputs);
  const recycle = () => {
    for (const tensor of inputs.values()) recycleTensorData(tensor);
  };
  run.then(recycle, recycle);
  return run;
}

function sessionLoader(options: ModelServerOptions, logger: ModelServerLogger): SessionLoader {
  switch (options.inferenceThread ?? 'auto') {
    case 'main':
      return new MainThreadSessionLoader();
    case 'worker':
      return new WorkerSessionLoader();
    case 'auto':
      return new AdaptiveSessionLoader(new WorkerSessionLoader(), new MainThreadSessionLoader(), {
        inlineMaxRunUs: options.inlineMaxRunUs ?? DEFAULT_INLINE_MAX_RUN_US,
        logger,
      });
  }
}

/**
 * TF Serving's ParseJson + FillSignature, then `read` with the document, its root object and the optional
 * signature_name. The document is only valid inside `read` (withParsedJson): read what the request needs
 * out of it there.
 */
function readRequest<T>(
  body: Uint8Array,
  read: (doc: JsonDocument, root: JsonObject, signatureName: string) => T,
): T {
  if (body.length === 0) throw invalidArgument('JSON Parse error: The document is empty');
  try {
    return withParsedJson(body, (doc) => {
      const root = doc.root;
      if (!(root instanceof JsonObject))
        throw invalidArgument(`JSON Value: ${jsonDebugString(doc, root)} Is not object`);
      const sig = root.get('signature_name');
      if (sig !== undefined && typeof sig !== 'string') {
        throw invalidArgument(
          `JSON Value: ${jsonDebugString(doc, root)} not formatted correctly. 'signature_name' key must be a string value.`,
        );
      }
      return read(doc, root, sig ?? '');
    });
  } catch (error) {
    // Only the parser throws JsonParseError.
    if (error instanceof JsonParseError)
      throw invalidArgument(`JSON Parse error: ${error.reason} at offset: ${error.offset}`);
    throw error;
  }
}

class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes`);
  }
}

function header(req: ModelServerRequest, name: string): string | undefined {
  const headers = req.headers;
  if (!headers) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

function ok(json: string): ModelServerResponse {
  return { status: 200, headers: { ...JSON_HEADERS }, body: Buffer.from(json, 'utf8') };
}

/** TF Serving's error body: `{"error": message}`, pretty-printed, with the status's HTTP code. */
export function errorBody(message: string): Uint8Array {
  const w = new PrettyJsonWriter();
  w.startObject();
  w.key('error');
  w.string(message);
  w.endObject();
  return Buffer.from(w.toString(), 'utf8');
}

function errorResponse(error: unknown): ModelServerResponse {
  if (error instanceof ServingError) {
    return {
      status: error.httpStatus,
      headers: { ...JSON_HEADERS },
      body: error.emptyBody ? EMPTY : errorBody(error.message),
    };
  }
  if (error instanceof BodyTooLargeError)
    return { status: 413, headers: { ...JSON_HEADERS }, body: errorBody(error.message) };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, headers: { ...JSON_HEADERS }, body: errorBody(message) };
}
