// Preloaded (`node --expose-gc -r process-probe.cjs main.js`) into the standalone under attack, so
// the test can ask the process itself, over the IPC channel, what an attacker cannot observe from
// outside: heap after a full GC, and whether any built-in prototype gained or changed a member
// (docs/reliability.md: wire-supplied `__proto__`/`constructor` must not reach plain-object maps).
'use strict';

const PROTOTYPES = {
  Object: Object.prototype,
  Array: Array.prototype,
  Function: Function.prototype,
};

function snapshot(proto) {
  const members = new Map();
  for (const key of Reflect.ownKeys(proto)) {
    members.set(key, Object.getOwnPropertyDescriptor(proto, key));
  }
  return members;
}

const baseline = Object.fromEntries(
  Object.entries(PROTOTYPES).map(([name, proto]) => [name, snapshot(proto)]),
);

/** Names of members added to, removed from or redefined on a built-in prototype since start. */
function prototypeChanges() {
  const changes = [];
  for (const [name, proto] of Object.entries(PROTOTYPES)) {
    const before = baseline[name];
    const now = snapshot(proto);
    for (const [key, descriptor] of now) {
      const old = before.get(key);
      const same =
        old !== undefined &&
        old.value === descriptor.value &&
        old.get === descriptor.get &&
        old.set === descriptor.set;
      if (!same) changes.push(`${name}.prototype.${String(key)}`);
    }
    for (const key of before.keys()) {
      if (!now.has(key)) changes.push(`${name}.prototype.${String(key)} (deleted)`);
    }
  }
  return changes;
}

process.on('message', (message) => {
  if (!message || message.type !== 'probe') return;
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
  process.send({
    type: 'probe',
    id: message.id,
    gc: typeof global.gc === 'function',
    memory: process.memoryUsage(),
    prototypeChanges: prototypeChanges(),
  });
});
// The servers keep the process alive; the channel must not keep it from exiting on SIGTERM.
if (process.channel) process.channel.unref();
