import { Module } from '@nestjs/common';
import { ReportService } from '@hub/workflow/reports';
import { AssessmentSettingsController, OfficeReportsController, UnitReportsController } from './reports.controller';
import { ReportsGatewayService } from './reports-gateway.service';

/**
 * Reports and assessment (docs/reports.md). Imported before the settings controller so
 * `office/settings/assessment` is this module's, not the generic `office/settings/:name`.
 */
@Module({
  controllers: [AssessmentSettingsController, OfficeReportsController, UnitReportsController],
  providers: [ReportService, ReportsGatewayService],
})
export class ReportsModule {}
