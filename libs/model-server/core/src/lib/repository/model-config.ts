import { type SignatureMethod } from './signature';

/** One signature as `<model>/config.json` declares it: REST alias → ONNX graph name, both ways. */
export interface SignatureConfig {
  readonly method: SignatureMethod;
  readonly inputs: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
}

/** `<model>/config.json`: signatures and version labels (TF Serving's `version_labels`). */
export interface ModelConfig {
  readonly signatures: Readonly<Record<string, SignatureConfig>> | null;
  readonly labels: ReadonlyMap<string, number>;
}

const METHODS: readonly string[] = ['predict', 'classify', 'regress'];

/** Parses and validates config.json text; throws an Error naming the offending field. */
export function parseModelConfig(text: string): ModelConfig {
  const raw: unknown = JSON.parse(text);
  if (!isRecord(raw)) throw new Error('config.json must be a JSON object');
  let signatures: Record<string, SignatureConfig> | null = null;
  if (raw.signatures !== undefined) {
    if (!isRecord(raw.signatures)) throw new Error('config.json: "signatures" must be an object');
    signatures = {};
    for (const [name, sig] of Object.entries(raw.signatures)) {
      if (!isRecord(sig)) throw new Error(`config.json: signature "${name}" must be an object`);
      const method = sig.method ?? 'predict';
      if (typeof method !== 'string' || !METHODS.includes(method)) {
        throw new Error(
          `config.json: signature "${name}" has method ${JSON.stringify(method)}; expected predict, classify or regress`,
        );
      }
      signatures[name] = {
        method: method as SignatureMethod,
        inputs: stringMap(sig.inputs, `signature "${name}" inputs`),
        outputs: stringMap(sig.outputs, `signature "${name}" outputs`),
      };
    }
  }
  const labels = new Map<string, number>();
  if (raw.labels !== undefined) {
    if (!isRecord(raw.labels)) throw new Error('config.json: "labels" must be an object');
    for (const [label, version] of Object.entries(raw.labels)) {
      if (typeof version !== 'number' || !Number.isSafeInteger(version) || version <= 0) {
        throw new Error(`config.json: label "${label}" must name a positive integer version`);
      }
      labels.set(label, version);
    }
  }
  return { signatures, labels };
}

function stringMap(value: unknown, what: string): Record<string, string> {
  if (!isRecord(value)) throw new Error(`config.json: ${what} must be an object of alias → ONNX name`);
  for (const [alias, name] of Object.entries(value)) {
    if (typeof name !== 'string') throw new Error(`config.json: ${what}.${alias} must be a string`);
  }
  return value as Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
