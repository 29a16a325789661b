export * from './report.repository';
export * from './report-drill.repository';
export * from './report-settings.repository';
export * from './report-notices.repository';
export * from './report-rollup.repository';
