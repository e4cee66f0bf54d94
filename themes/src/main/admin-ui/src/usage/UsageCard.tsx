import { Card, CardBody, CardHeader, CardTitle } from "@patternfly/react-core";
import type { ReactNode } from "react";

import { CsvButton } from "./CsvButton";
import type { UsageQuery } from "./queries";

/** A titled card whose header offers the CSV of what it shows. */
export const UsageCard = ({
  id,
  title,
  query,
  children,
}: {
  id: string;
  title: string;
  query: UsageQuery;
  children: ReactNode;
}) => (
  <Card id={id} data-testid={id} isFullHeight>
    <CardHeader
      actions={{ actions: <CsvButton query={query} testId={`${id}-csv`} />, hasNoOffset: true }}
    >
      <CardTitle component="h2">{title}</CardTitle>
    </CardHeader>
    <CardBody>{children}</CardBody>
  </Card>
);
