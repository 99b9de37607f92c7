import { readLogs } from './log-reader';
import { parseOptions, USAGE, UsageError } from './log-reader.options';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const options = parseOptions(argv, process.env);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  const result = await readLogs(
    options,
    (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
    abort.signal,
  );
  process.stderr.write(
    `log-reader: ${result.read} records read, ${result.printed} printed, ${result.undecodable} undecodable\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : `${String(error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
