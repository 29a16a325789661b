export * from './directory.types';
export * from './compiled-directory.types';
export {
  validateDirectory,
  formatDirectoryError,
  MAX_DIRECTORY_ERRORS,
  DOCUMENT_PATH,
  type DirectoryError,
  type DirectoryValidationResult,
} from './directory.validator';
export { compileDirectory, isInJurisdiction, districtOf } from './directory.compiler';
export { isRegionCode, sixDigitPrefix, significantPrefix, isInsideRegion } from './region-code.util';
