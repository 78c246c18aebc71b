// Test support of the remote backend's specs (CONTRIBUTING.md, "Test support").
export { RecordingServer, type Answer, type Recorded } from './recording-server';
