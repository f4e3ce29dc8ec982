package localosssdk

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
)

// Inventory configurations, live channels and access points (protocol notes
// bucket-configuration-and-access.md §4.18, §4.20, §1 and §4.7). Go SDK 1.5 has no API for them, so the requests
// go through the SDK's own signed transport (Client.Conn.Do) with the sub-resources it signs.

func goInventoryXML(id, frequency string) []byte {
	return []byte("<InventoryConfiguration><Id>" + id + "</Id><IsEnabled>true</IsEnabled>" +
		"<Destination><OSSBucketDestination><Format>CSV</Format><AccountId>1305433975557637</AccountId>" +
		"<RoleArn>acs:ram::1305433975557637:role/AliyunOSSRole</RoleArn><Bucket>acs:oss:::dest</Bucket>" +
		"</OSSBucketDestination></Destination><Schedule><Frequency>" + frequency + "</Frequency></Schedule>" +
		"<IncludedObjectVersions>Current</IncludedObjectVersions></InventoryConfiguration>")
}

func TestInventoryGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "inventory")
	_, _, err := do(t, tb, "GET", "", "inventory", nil, nil)
	requireServiceError(t, err, 404, "NoSuchInventory", "ListBucketInventory of a bucket without any")
	for _, id := range []string{"b", "a"} {
		if _, _, err := do(t, tb, "PUT", "", "inventory&inventoryId="+id, nil, goInventoryXML(id, "Weekly")); err != nil {
			t.Fatalf("PutBucketInventory %s: %v", id, err)
		}
	}
	body, _, err := do(t, tb, "GET", "", "inventory&inventoryId=a", nil, nil)
	if err != nil {
		t.Fatalf("GetBucketInventory: %v", err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + string(goInventoryXML("a", "Weekly"))
	if string(body) != want {
		t.Errorf("GetBucketInventory:\n got %s\nwant %s", body, want)
	}
	var list struct {
		IDs         []string `xml:"InventoryConfiguration>Id"`
		IsTruncated bool     `xml:"IsTruncated"`
	}
	body, _, err = do(t, tb, "GET", "", "inventory", nil, nil)
	if err != nil || xml.Unmarshal(body, &list) != nil {
		t.Fatalf("ListBucketInventory: %v %s", err, body)
	}
	if strings.Join(list.IDs, ",") != "a,b" || list.IsTruncated {
		t.Errorf("ListBucketInventory: %+v, want a,b not truncated", list)
	}
	_, _, err = do(t, tb, "PUT", "", "inventory&inventoryId=c", nil, goInventoryXML("c", "Hourly"))
	requireServiceError(t, err, 400, "InvalidArgument", "PutBucketInventory with Frequency Hourly")
	_, _, err = do(t, tb, "PUT", "", "inventory&inventoryId=c", nil, goInventoryXML("d", "Daily"))
	requireServiceError(t, err, 400, "InvalidArgument", "PutBucketInventory whose Id is not inventoryId")
	if _, _, err := do(t, tb, "DELETE", "", "inventory&inventoryId=a", nil, nil); err != nil {
		t.Fatalf("DeleteBucketInventory: %v", err)
	}
	_, _, err = do(t, tb, "GET", "", "inventory&inventoryId=a", nil, nil)
	requireServiceError(t, err, 404, "NoSuchInventory", "GetBucketInventory after delete")
	requireBucketExists(t, client, tb.name, "after DeleteBucketInventory")
}

func TestLiveChannelGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "live")
	config := []byte("<LiveChannelConfiguration><Description>go</Description><Status>enabled</Status>" +
		"<Target><Type>HLS</Type></Target></LiveChannelConfiguration>")
	body, _, err := do(t, tb, "PUT", "go-chan", "live", nil, config)
	if err != nil {
		t.Fatalf("PutLiveChannel: %v", err)
	}
	var created struct {
		Publish string `xml:"PublishUrls>Url"`
		Play    string `xml:"PlayUrls>Url"`
	}
	if err := xml.Unmarshal(body, &created); err != nil {
		t.Fatalf("CreateLiveChannelResult %s: %v", body, err)
	}
	host := strings.TrimPrefix(strings.TrimPrefix(endpoint, "http://"), "https://")
	if created.Publish != fmt.Sprintf("rtmp://%s.%s/live/go-chan", tb.name, host) ||
		created.Play != fmt.Sprintf("http://%s.%s/go-chan/playlist.m3u8", tb.name, host) {
		t.Errorf("CreateLiveChannelResult: %+v", created)
	}
	if ok, _ := tb.bucket.IsObjectExist("go-chan"); ok {
		t.Errorf("PutLiveChannel stored an object")
	}
	body, _, err = do(t, tb, "GET", "go-chan", "live", nil, nil)
	if err != nil || !strings.Contains(string(body), "<Target><Type>HLS</Type><FragDuration>5</FragDuration>"+
		"<FragCount>3</FragCount><PlaylistName>playlist.m3u8</PlaylistName></Target>") {
		t.Errorf("GetLiveChannelInfo: %v %s", err, body)
	}
	if _, _, err := do(t, tb, "PUT", "go-chan", "live&status=disabled", nil, nil); err != nil {
		t.Fatalf("PutLiveChannelStatus: %v", err)
	}
	body, _, err = do(t, tb, "GET", "go-chan", "comp=stat&live", nil, nil)
	if err != nil || !strings.Contains(string(body), "<Status>Disabled</Status>") {
		t.Errorf("GetLiveChannelStat of a disabled channel: %v %s", err, body)
	}
	_, _, err = do(t, tb, "PUT", "go-chan", "live&status=on", nil, nil)
	requireServiceError(t, err, 400, "InvalidArgument", "PutLiveChannelStatus on")
	body, _, err = do(t, tb, "GET", "", "live", nil, nil)
	if err != nil || !strings.Contains(string(body), "<LiveChannel><Name>go-chan</Name><Description>go</Description>"+
		"<Status>disabled</Status>") {
		t.Errorf("ListLiveChannel: %v %s", err, body)
	}
	_, _, err = do(t, tb, "GET", "go-chan", "endTime=200&startTime=100&vod", nil, nil)
	requireServiceError(t, err, 400, "InvalidArgument", "GetVodPlaylist with no recordings")
	if _, _, err := do(t, tb, "DELETE", "go-chan", "live", nil, nil); err != nil {
		t.Fatalf("DeleteLiveChannel: %v", err)
	}
	_, _, err = do(t, tb, "GET", "go-chan", "live", nil, nil)
	requireServiceError(t, err, 404, "NoSuchLiveChannel", "GetLiveChannelInfo after delete")
}

func TestAccessPointGo(t *testing.T) {
	client := newClient(t)
	tb := newTestBucket(t, client, "ap")
	name := map[string]string{"X-Oss-Access-Point-Name": "go-ap"}
	_, _, err := do(t, tb, "GET", "", "accessPoint", name, nil)
	requireServiceError(t, err, 404, "NoSuchAccessPoint", "GetAccessPoint before create")
	create := []byte("<CreateAccessPointConfiguration><AccessPointName>go-ap</AccessPointName>" +
		"<NetworkOrigin>internet</NetworkOrigin></CreateAccessPointConfiguration>")
	body, _, err := do(t, tb, "PUT", "", "accessPoint", nil, create)
	if err != nil || !strings.Contains(string(body), "<AccessPointArn>acs:oss:cn-hangzhou:1305433975557637:accesspoint/go-ap</AccessPointArn>") {
		t.Fatalf("CreateAccessPoint: %v %s", err, body)
	}
	body, _, err = do(t, tb, "GET", "", "accessPoint", name, nil)
	if err != nil || !strings.Contains(string(body), "<AccessPointName>go-ap</AccessPointName><Bucket>"+tb.name+"</Bucket>") ||
		!strings.Contains(string(body), "<Status>enable</Status>") {
		t.Errorf("GetAccessPoint: %v %s", err, body)
	}
	policy := `{"Version":"1","Statement":[]}`
	if _, _, err := do(t, tb, "PUT", "", "accessPointPolicy", name, []byte(policy)); err != nil {
		t.Fatalf("PutAccessPointPolicy: %v", err)
	}
	body, _, err = do(t, tb, "GET", "", "accessPointPolicy", name, nil)
	if err != nil || string(body) != policy {
		t.Errorf("GetAccessPointPolicy: %v %q, want %q", err, body, policy)
	}
	if _, _, err := do(t, tb, "DELETE", "", "accessPoint", name, nil); err != nil {
		t.Fatalf("DeleteAccessPoint: %v", err)
	}
	_, _, err = do(t, tb, "GET", "", "accessPointPolicy", name, nil)
	requireServiceError(t, err, 404, "NoSuchAccessPoint", "GetAccessPointPolicy after DeleteAccessPoint")
	requireBucketExists(t, client, tb.name, "after DeleteAccessPoint")
}
