import { Module } from '@nestjs/common';
import { WorkOrdersModule } from '../work-orders/work-orders.module';
import { OfficeSettingsController } from './office-settings.controller';
import { OfficeSettingsService } from './office-settings.service';
import { OfficeWorkOrdersController } from './office-work-orders.controller';
import { OfficeWorkOrdersService } from './office-work-orders.service';

/** The hotline office's work-order API and its settings (intake, merge, work order). */
@Module({
  imports: [WorkOrdersModule],
  controllers: [OfficeWorkOrdersController, OfficeSettingsController],
  providers: [OfficeWorkOrdersService, OfficeSettingsService],
})
export class OfficeModule {}
