export {
  MALLOC_TRIM_FILE,
  MemoryTrimmer,
  loadMallocTrim,
  observeMajorGcs,
  type MajorGcSource,
  type MallocTrim,
  type MemoryTrimStats,
  type MemoryTrimmerOptions,
} from './lib/memory-trimmer';
