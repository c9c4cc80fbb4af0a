export { runBench, FULL, QUICK, LIMIT_TARGETS, type RunBenchOptions } from './run.ts'
export { measureOrigin } from './origin.ts'
export { FailedRequestsError } from './load.ts'
export { writeReport } from './write-report.ts'
