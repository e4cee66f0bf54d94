import { ForbiddenSection, ViewHeader } from "@keycloak/keycloak-admin-ui";
import { Grid, GridItem, PageSection } from "@patternfly/react-core";
import { useState } from "react";

import { useInferenceAccess } from "../access";
import { ActivePeopleCard } from "./ActivePeopleCard";
import { lastDays } from "./range";
import { RangePicker } from "./RangePicker";
import { TokensOverTimeCard } from "./TokensOverTimeCard";
import { TopTableCard } from "./TopTableCard";

/** The operators' usage page: who used the API and the web UI, and how many tokens went where. */
export const UsagePage = () => {
  const access = useInferenceAccess();
  const [range, setRange] = useState(() => lastDays(30));

  if (!access.usage) {
    return <ForbiddenSection permissionNeeded={["view-realm", "view-users"]} />;
  }
  return (
    <>
      <ViewHeader titleKey="inferenceUsageTitle" subKey="inferenceUsageHelp" />
      <PageSection variant="light" padding={{ default: "noPadding" }} className="pf-v5-u-px-lg">
        <RangePicker range={range} onChange={setRange} />
      </PageSection>
      <PageSection>
        <Grid hasGutter>
          <GridItem xl2={6}>
            <ActivePeopleCard range={range} />
          </GridItem>
          <GridItem xl2={6}>
            <TopTableCard range={range} dimension="project" />
          </GridItem>
          <GridItem xl2={6}>
            <TokensOverTimeCard range={range} dimension="model" />
          </GridItem>
          <GridItem xl2={6}>
            <TokensOverTimeCard range={range} dimension="project" />
          </GridItem>
          <GridItem span={12}>
            <TopTableCard range={range} dimension="user" />
          </GridItem>
        </Grid>
      </PageSection>
    </>
  );
};
