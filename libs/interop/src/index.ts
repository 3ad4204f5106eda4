// libs/interop: pure mappers from standard formats to registry commands (no Nest, no database; architecture.md §9).
export * from './model/measurement-report.model.js';
export * from './model/interop.problems.js';
export * from './resolve/registry-resolver.js';
export * from './resolve/resolve-report.js';
export * from './dicom-sr/sr.codes.js';
export * from './dicom-sr/tid1500.mapper.js';
export * from './dicom-sr/stow-rs.response.js';
export * from './fhir/fhir-codes.js';
export * from './fhir/fhir-validator.js';
export * from './fhir/fhir-bundle.mapper.js';
export * from './fhir/fhir-responses.js';
export * from './rows/measurement-row.columns.js';
export * from './rows/measurement-rows.parser.js';
