/**
 * rapidjson's PrettyWriter (4-space indent), reproduced because TF Serving's bodies are built with it and
 * switch to kFormatSingleLineArray mid-document: `{\n    "predictions": [2.5, 3.0\n    ]\n}`. Values are
 * written as pre-formatted text so callers choose the number formatting.
 */
const INDENTS = Array.from({ length: 16 }, (_, i) => '    '.repeat(i));

export class PrettyJsonWriter {
  private out = '';
  private readonly inArray: boolean[] = [];
  private readonly counts: number[] = [];
  /** kFormatSingleLineArray: array elements separated by ", " on one line. */
  singleLineArrays = false;

  startObject(): void {
    this.prefix();
    this.out += '{';
    this.inArray.push(false);
    this.counts.push(0);
  }

  endObject(): void {
    this.inArray.pop();
    const empty = this.counts.pop() === 0;
    if (!empty) this.out += '\n' + this.indent();
    this.out += '}';
    this.finish();
  }

  startArray(): void {
    this.prefix();
    this.out += '[';
    this.inArray.push(true);
    this.counts.push(0);
  }

  endArray(): void {
    this.inArray.pop();
    const empty = this.counts.pop() === 0;
    if (!empty && !this.singleLineArrays) this.out += '\n' + this.indent();
    this.out += ']';
    this.finish();
  }

  /**
   * An array of `count` scalars rendered at once: `render(separator)` returns their texts joined by the
   * separator this writer puts between elements. Same bytes as startArray, raw() per element, endArray.
   */
  rawArray(count: number, render: (separator: string) => string): void {
    this.startArray();
    if (count > 0) {
      if (this.singleLineArrays) this.out += render(', ');
      else {
        const indent = this.indent();
        this.out += '\n' + indent + render(',\n' + indent);
      }
      this.counts[this.counts.length - 1] = count;
    }
    this.endArray();
  }

  key(name: string): void {
    this.string(name);
  }

  string(value: string): void {
    this.prefix();
    this.out += JSON.stringify(value);
    this.finish();
  }

  /** A scalar already rendered as JSON text (number, true/false/null). */
  raw(text: string): void {
    this.prefix();
    this.out += text;
    this.finish();
  }

  toString(): string {
    return this.out;
  }

  private indent(): string {
    const depth = this.counts.length;
    return depth < INDENTS.length ? INDENTS[depth] : '    '.repeat(depth);
  }

  private finish(): void {
    if (this.counts.length === 0) return;
    this.counts[this.counts.length - 1]++;
  }

  private prefix(): void {
    const depth = this.counts.length;
    if (depth === 0) return;
    const count = this.counts[depth - 1];
    if (this.inArray[depth - 1]) {
      if (count > 0) this.out += this.singleLineArrays ? ', ' : ',';
      if (!this.singleLineArrays) this.out += '\n' + this.indent();
    } else {
      if (count > 0) this.out += count % 2 === 0 ? ',\n' : ': ';
      else this.out += '\n';
      if (count % 2 === 0) this.out += this.indent();
    }
  }
}
