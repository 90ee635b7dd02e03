/** standalone/: `dromedary start` — every role in one process, and the offline demo. */
export { startStandalone, type Standalone, type StartStandaloneOptions } from './start-standalone.js';
export { startDemo, type Demo, type DemoOptions } from './demo.js';
export { formatProgress, startProgressReporter, type ProgressReporter, type ProgressReporterOptions } from './progress-reporter.js';
