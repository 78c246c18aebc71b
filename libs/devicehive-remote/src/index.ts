// The remote DeviceHive backend: see README.md.
export {};
