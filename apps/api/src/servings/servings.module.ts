import { Module } from '@nestjs/common';
import { KafkaModule } from '../kafka/kafka.module';
import { ServingInputValidator } from './serving-input.validator';
import { ServingsController } from './servings.controller';
import { ServingsService } from './servings.service';

@Module({
  imports: [KafkaModule],
  controllers: [ServingsController],
  providers: [ServingsService, ServingInputValidator],
})
export class ServingsModule {}
