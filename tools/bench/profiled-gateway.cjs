// Runs the gateway (dist/apps/api/src/main.js) under the V8 CPU profiler for `bench.mjs --cpu-prof DIR`.
// Node's own --cpu-prof writes its file only on a normal exit, and the gateway ends by re-raising the
// stop signal after a graceful close (Nest's shutdown hooks), so the profile is written here on SIGUSR2,
// which the benchmark sends before stopping the gateway. Usage: node profiled-gateway.cjs <dir>
// With PROFILE_ALLOCATIONS=1 it also samples allocations, including objects the GC has since collected
// (what drives the young-generation GC under load), into gateway-<pid>.heapprofile. PROFILE_INTERVAL_US
// sets the CPU sampling interval (default 1000 µs). PROFILE_ALLOCATIONS=survivors samples only objects that
// outlived the young generation (promoted to the old one; what drives the full GCs).
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const dir = process.argv[2];
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PROFILE_INTERVAL_US ?? 1000) });
session.post('Profiler.start');
const allocations =
  process.env.PROFILE_ALLOCATIONS === '1' || process.env.PROFILE_ALLOCATIONS === 'survivors';
if (allocations) {
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: process.env.PROFILE_ALLOCATIONS !== 'survivors',
  });
}
process.on('SIGUSR2', () => {
  session.post('Profiler.stop', (error, result) => {
    if (error) console.error(`profile not written: ${error.message}`);
    else {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `gateway-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
      if (!allocations) console.log(`cpu profile written to ${file}`);
    }
  });
  if (allocations) {
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error) console.error(`allocation profile not written: ${error.message}`);
      else {
        const file = join(dir, `gateway-${process.pid}.heapprofile`);
        writeFileSync(file, JSON.stringify(result.profile));
        console.log(`cpu profile written with allocations to ${file}`);
      }
    });
  }
});
require(resolve(__dirname, '../../dist/apps/api/src/main.js'));
