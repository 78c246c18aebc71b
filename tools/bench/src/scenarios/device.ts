/** The sample device of a fresh database, network 1, device type 1 (docs/api/README.md). */
export const SAMPLE_DEVICE_ID = 'e50d6085-2aba-48e9-b1c3-73c673e414be';
