import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { Open311Controller } from './open311.controller';
import { Open311IntakeService } from './open311-intake.service';
import { Open311KeysService } from './open311-keys.service';
import { Open311Service } from './open311.service';

/** The Open311 GeoReport v2 door (docs/open311.md); its keys are managed under /auth/api-keys. */
@Module({
  imports: [IntakeModule],
  controllers: [Open311Controller],
  providers: [Open311Service, Open311IntakeService, Open311KeysService],
  exports: [Open311KeysService],
})
export class Open311Module {}
