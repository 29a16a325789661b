import { Module } from '@nestjs/common';
import { WorkOrderViews } from './work-order-views.service';
import { WorkOrdersController } from './work-orders.controller';
import { WorkOrdersService } from './work-orders.service';

/** The units' work-order API (docs/lifecycle.md); its views are shared with the office's. */
@Module({
  controllers: [WorkOrdersController],
  providers: [WorkOrdersService, WorkOrderViews],
  exports: [WorkOrderViews],
})
export class WorkOrdersModule {}
