export * from './key-encryption-key';
export * from './personal-data.sealing';
export * from './sealed-values';
export * from './subject-keys.migration';
export * from './subject-keys.repository';
export * from './keyring';
export * from './personal-data.opening';
