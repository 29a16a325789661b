import { Module } from '@nestjs/common';
import { DirectoryUnitsController } from './directory-units.controller';
import { DirectoryController } from './directory.controller';
import { DirectoryService } from './directory.service';

/** The directory: import, activation, routing try/replay/explain, the units list. */
@Module({
  controllers: [DirectoryController, DirectoryUnitsController],
  providers: [DirectoryService],
})
export class DirectoryModule {}
