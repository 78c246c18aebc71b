import { sessionClockContract } from '../testing/session-clock.contract';
import { MemorySessionClock } from './session-expiry';

sessionClockContract(MemorySessionClock.name, () => Promise.resolve(new MemorySessionClock()));
