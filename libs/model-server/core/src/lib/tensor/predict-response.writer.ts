import { invalidArgument } from '../errors/serving-error';
import { base64Encode } from '../json/base64';
import { formatDecimals, formatDouble, formatFloat } from '../json/decimal-format';
import { PrettyJsonWriter } from '../json/pretty-json-writer';
import { type TensorData } from './host-tensor';
import { type RequestFormat } from './predict-request.reader';
import { type TfDtype } from './tf-dtype';

/** One fetched output under its signature alias. */
export interface OutputTensor {
  readonly alias: string;
  readonly dtype: TfDtype;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/**
 * TF Serving's MakeJsonFromTensors: a row request answers `{"predictions": [...]}` (batch dimension
 * stripped; objects per row when several outputs), a columnar one `{"outputs": ...}`. Outputs are expected
 * sorted by alias.
 */
export function writePredictResponse(outputs: readonly OutputTensor[], format: RequestFormat): string {
  return format === 'row' ? writeRow(outputs) : writeColumnar(outputs);
}

function writeRow(outputs: readonly OutputTensor[]): string {
  let batch = -1;
  for (const t of outputs) {
    if (t.dims.length === 0) throw invalidArgument(`Tensor name: ${t.alias} has no shape information `);
    const b = t.dims[0];
    if (batch >= 0 && b !== batch)
      throw invalidArgument(`Tensor name: ${t.alias} has inconsistent batch size: ${b} expecting: ${batch}`);
    batch = b;
  }
  const w = new PrettyJsonWriter();
  w.startObject();
  w.key('predictions');
  w.startArray();
  const several = outputs.length > 1;
  const cursors = outputs.map((t) => new ValueCursor(t));
  for (let item = 0; item < batch; item++) {
    if (several) w.startObject();
    w.singleLineArrays = true;
    for (const c of cursors) {
      if (several) w.key(c.tensor.alias);
      c.write(w, 1);
    }
    w.singleLineArrays = false;
    if (several) w.endObject();
  }
  w.endArray();
  w.endObject();
  return w.toString();
}

function writeColumnar(outputs: readonly OutputTensor[]): string {
  const w = new PrettyJsonWriter();
  w.startObject();
  w.key('outputs');
  const several = outputs.length > 1;
  if (several) w.startObject();
  for (const t of outputs) {
    if (several) w.key(t.alias);
    new ValueCursor(t).write(w, 0);
  }
  if (several) w.endObject();
  w.endObject();
  return w.toString();
}

/** Walks one tensor's values in order (TF's AddTensorValues with its running offset). */
class ValueCursor {
  private offset = 0;
  private readonly asBytes: boolean;

  constructor(readonly tensor: OutputTensor) {
    // TF Serving writes DT_STRING outputs whose alias ends in _bytes as {"b64": ...}.
    this.asBytes = tensor.dtype === 'string' && tensor.alias.endsWith('_bytes');
  }

  write(w: PrettyJsonWriter, dim: number): void {
    const dims = this.tensor.dims;
    if (dim > dims.length - 1) {
      this.single(w);
      return;
    }
    const n = dims[dim];
    const { dtype, data } = this.tensor;
    if (dim === dims.length - 1 && (dtype === 'float' || dtype === 'double')) {
      // A row of floats is formatted in one go (natively when the addon is there).
      const start = this.offset;
      this.offset += n;
      w.rawArray(n, (separator) =>
        formatDecimals(data as Float32Array | Float64Array, start, n, dtype === 'float', separator),
      );
      return;
    }
    w.startArray();
    if (dim === dims.length - 1) for (let i = 0; i < n; i++) this.single(w);
    else for (let i = 0; i < n; i++) this.write(w, dim + 1);
    w.endArray();
  }

  private single(w: PrettyJsonWriter): void {
    const i = this.offset++;
    const { dtype, data } = this.tensor;
    switch (dtype) {
      case 'float':
        w.raw(formatFloat((data as Float32Array)[i]));
        return;
      case 'double':
        w.raw(formatDouble((data as Float64Array)[i]));
        return;
      case 'half':
        w.raw(formatFloat(halfToFloat((data as Uint16Array)[i])));
        return;
      case 'bfloat16':
        w.raw(formatFloat(bfloat16ToFloat((data as Uint16Array)[i])));
        return;
      case 'bool':
        w.raw((data as Uint8Array)[i] ? 'true' : 'false');
        return;
      case 'string': {
        const s = (data as string[])[i];
        if (!this.asBytes) {
          w.string(s);
          return;
        }
        w.startObject();
        w.key('b64');
        w.string(base64Encode(Buffer.from(s, 'utf8')));
        w.endObject();
        return;
      }
      default:
        // Integers print exactly; int64/uint64 come as bigints and are never quoted.
        w.raw(String((data as Int32Array | BigInt64Array)[i]));
    }
  }
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function bfloat16ToFloat(bits: number): number {
  U32[0] = bits << 16;
  return F32[0];
}
