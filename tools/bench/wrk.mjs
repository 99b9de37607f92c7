// One wrk run (one thread) POSTing a body file through tools/bench/wrk-post.lua, which prints its results
// as a WRK_JSON line: { requests, duration_us, errors, non2xx, p50, p99, p999 (µs), mean }: wrk's figures,
// corrected for coordinated omission (see the script). With `timeEachRequest` (one connection only) the
// script also times each request itself: req_p50, req_p99, req_p999, req_mean (µs), req_timed (count).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./wrk-post.lua', import.meta.url));

export function runWrk(url, bodyFile, headers, connections, seconds, { timeEachRequest = false } = {}) {
  if (timeEachRequest && connections !== 1) throw new Error('timeEachRequest needs a single connection');
  const result = spawnSync(
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, url],
    {
      env: {
        ...process.env,
        WRK_BODY: bodyFile,
        WRK_PER_REQUEST: timeEachRequest ? '1' : '0',
        WRK_HEADERS: Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('|'),
      },
      encoding: 'utf8',
    },
  );
  const line = /WRK_JSON (\{.*\})/.exec(result.stdout)?.[1];
  if (!line) throw new Error(`wrk failed for ${url}: ${result.stdout}${result.stderr}`);
  return JSON.parse(line);
}
