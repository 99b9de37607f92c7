import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

export interface StandaloneModelServer {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Builds the workspace into tmp/ and starts the standalone model server (apps/model-server) as a child
 * process on a free port, waiting for TF Serving's "Exporting HTTP/REST API at" line.
 */
export async function startStandaloneModelServer(options: {
  repository: string;
  args?: readonly string[];
  timeoutMs?: number;
}): Promise<StandaloneModelServer> {
  const out = `tmp/standalone-${process.pid}-${Date.now().toString(36)}`;
  execFileSync(process.execPath, ['tools/scripts/build.mjs', '--out', out], { cwd: ROOT, stdio: 'pipe' });
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(out, 'apps/model-server/src/main.js'),
      '--rest-port=0',
      `--model-repository=${options.repository}`,
      ...(options.args ?? []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const cleanup = () => rmSync(path.join(ROOT, out), { recursive: true, force: true });
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const port = /Exporting HTTP\/REST API at:[\d.]+:(\d+)/.exec(output)?.[1];
    if (port) {
      return {
        url: `http://127.0.0.1:${port}`,
        output: () => output,
        async stop() {
          if (child.exitCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGTERM');
            await exited;
          }
          cleanup();
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      cleanup();
      throw new Error(`model server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
