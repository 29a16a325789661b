export * from './report.types';
export * from './report.service';
export * from './report.xlsx';
export * from './report-snapshot.service';
