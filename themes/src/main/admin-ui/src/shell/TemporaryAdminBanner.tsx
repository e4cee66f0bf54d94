import { useWhoAmI } from "@keycloak/keycloak-admin-ui";
import { Banner } from "@patternfly/react-core";
import { ExclamationTriangleIcon } from "@patternfly/react-icons";
import { useTranslation } from "react-i18next";

/** The stock console's warning for the bootstrap (temporary) admin account. */
export const TemporaryAdminBanner = () => {
  const { t } = useTranslation();
  const { whoAmI } = useWhoAmI();
  if (!whoAmI.temporary) {
    return null;
  }
  return (
    <Banner variant="gold" screenReaderText={t("loggedInAsTempAdminUser")}>
      <ExclamationTriangleIcon className="pf-v5-u-mr-sm" />
      {t("loggedInAsTempAdminUser")}
    </Banner>
  );
};
