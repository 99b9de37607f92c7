import { Module } from '@nestjs/common';
import { KafkaAdminService } from './kafka-admin.service';
import { KafkaController } from './kafka.controller';
import { ServingConfController } from './serving-conf.controller';

@Module({
  controllers: [KafkaController, ServingConfController],
  providers: [KafkaAdminService],
  exports: [KafkaAdminService],
})
export class KafkaModule {}
